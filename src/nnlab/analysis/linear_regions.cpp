// Linear-region bound with a small unsigned big integer in base 10^9, enough for the sum of
// binomials: multiply and exactly divide by a small number, add, print in decimal.
#include "nnlab/analysis/linear_regions.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "nnlab/core/check.h"

namespace nnlab::analysis {
namespace {

constexpr std::uint64_t kLimbBase = 1'000'000'000;  // decimal limbs make printing trivial

// Little-endian limbs in base 10^9; an empty vector is 0.
using BigUnsigned = std::vector<std::uint64_t>;

void multiply_small(BigUnsigned& number, std::uint64_t factor) {  // factor < 2^32
  std::uint64_t carry = 0;
  for (std::uint64_t& limb : number) {
    const std::uint64_t product = limb * factor + carry;  // < 10^9 · 2^32 + carry: fits in 64 bits
    limb = product % kLimbBase;
    carry = product / kLimbBase;
  }
  while (carry > 0) {
    number.push_back(carry % kLimbBase);
    carry /= kLimbBase;
  }
}

// number /= divisor; the caller guarantees the division is exact (a binomial recurrence).
void divide_small_exact(BigUnsigned& number, std::uint64_t divisor) {
  std::uint64_t remainder = 0;
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    const std::uint64_t current = remainder * kLimbBase + *it;  // remainder < divisor < 2^32
    *it = current / divisor;
    remainder = current % divisor;
  }
  NNLAB_DCHECK(remainder == 0);
  while (!number.empty() && number.back() == 0) number.pop_back();
}

void add_into(BigUnsigned& sum, const BigUnsigned& term) {
  if (sum.size() < term.size()) sum.resize(term.size(), 0);
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < sum.size(); ++i) {
    const std::uint64_t value = sum[i] + (i < term.size() ? term[i] : 0) + carry;
    sum[i] = value % kLimbBase;
    carry = value / kLimbBase;
  }
  if (carry > 0) sum.push_back(carry);
}

std::string to_decimal(const BigUnsigned& number) {
  if (number.empty()) return "0";
  std::string text = fmt::format("{}", number.back());
  for (auto it = number.rbegin() + 1; it != number.rend(); ++it) text += fmt::format("{:09}", *it);
  return text;
}

}  // namespace

RegionBound linear_region_bound(std::int64_t inputs, std::int64_t hidden_units) {
  NNLAB_CHECK(inputs >= 0 && hidden_units >= 0, ValueError,
              "linear_region_bound: expected inputs >= 0 and hidden_units >= 0, got {} and {}", inputs, hidden_units);
  NNLAB_CHECK(hidden_units <= kMaxHiddenUnits, ValueError, "linear_region_bound: expected hidden_units <= {}, got {}",
              kMaxHiddenUnits, hidden_units);
  const std::int64_t last_k = std::min(inputs, hidden_units);
  BigUnsigned binomial{1};  // C(n1, 0)
  BigUnsigned sum{1};
  for (std::int64_t k = 0; k < last_k; ++k) {
    // C(n1, k+1) = C(n1, k) · (n1 - k) / (k + 1); the product is divisible by k + 1.
    multiply_small(binomial, static_cast<std::uint64_t>(hidden_units - k));
    divide_small_exact(binomial, static_cast<std::uint64_t>(k + 1));
    add_into(sum, binomial);
  }
  RegionBound bound;
  bound.exact = to_decimal(sum);
  bound.value = std::strtod(bound.exact.c_str(), nullptr);  // correctly rounded; HUGE_VAL (inf) on overflow
  return bound;
}

}  // namespace nnlab::analysis
