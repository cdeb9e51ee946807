// Linear-region bound: small cases by hand, powers of two, and a Pascal triangle computed here.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nnlab/analysis/linear_regions.h"
#include "nnlab/core/error.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

// a + b for non-negative decimal strings: the test's own big-number arithmetic.
std::string add_decimal(const std::string& a, const std::string& b) {
  std::string sum;
  int carry = 0;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    const int digit_a = i < a.size() ? a[a.size() - 1 - i] - '0' : 0;
    const int digit_b = i < b.size() ? b[b.size() - 1 - i] - '0' : 0;
    const int value = digit_a + digit_b + carry;
    sum.insert(sum.begin(), static_cast<char>('0' + value % 10));
    carry = value / 10;
  }
  return sum;
}

// sum_{k <= n0} C(n1, k) from a Pascal triangle of decimal strings (additions only).
std::string pascal_bound(int n0, int n1) {
  std::vector<std::string> row{"1"};  // row 0
  for (int n = 1; n <= n1; ++n) {
    std::vector<std::string> next(static_cast<std::size_t>(n + 1), "1");
    for (int k = 1; k < n; ++k) next[static_cast<std::size_t>(k)] = add_decimal(row[k - 1], row[k]);
    row = std::move(next);
  }
  std::string sum = "0";
  for (int k = 0; k <= std::min(n0, n1); ++k) sum = add_decimal(sum, row[static_cast<std::size_t>(k)]);
  return sum;
}

TEST(LinearRegions, SmallCasesByHand) {
  EXPECT_EQ(linear_region_bound(2, 3).exact, "7");  // 1 + 3 + 3
  EXPECT_EQ(linear_region_bound(2, 3).value, 7.0);
  EXPECT_EQ(linear_region_bound(1, 5).exact, "6");   // 1 + 5: five points cut a line into six pieces
  EXPECT_EQ(linear_region_bound(2, 4).exact, "11");  // 1 + 4 + 6
  EXPECT_EQ(linear_region_bound(0, 9).exact, "1");
  EXPECT_EQ(linear_region_bound(3, 0).exact, "1");
}

TEST(LinearRegions, AtLeastAsManyInputsAsUnitsGivesTwoToTheUnits) {
  EXPECT_EQ(linear_region_bound(3, 3).exact, "8");
  EXPECT_EQ(linear_region_bound(100, 64).exact, "18446744073709551616");  // 2^64
  const RegionBound bound = linear_region_bound(100, 100);
  EXPECT_EQ(bound.exact, "1267650600228229401496703205376");  // 2^100
  EXPECT_EQ(bound.value, std::ldexp(1.0, 100));
  const RegionBound mnist = linear_region_bound(784, 256);
  EXPECT_EQ(mnist.value, std::ldexp(1.0, 256));
  EXPECT_EQ(mnist.exact.size(), 78u);  // 2^256 = 1.16e77
  EXPECT_EQ(mnist.exact.substr(0, 10), "1157920892");
}

TEST(LinearRegions, MatchPascalTriangleForMidSizes) {
  for (const auto& [n0, n1] : std::vector<std::pair<int, int>>{{5, 40}, {10, 60}, {30, 90}, {89, 90}, {17, 150}}) {
    EXPECT_EQ(linear_region_bound(n0, n1).exact, pascal_bound(n0, n1)) << "n0 = " << n0 << ", n1 = " << n1;
  }
}

TEST(LinearRegions, HugeBoundsOverflowToInfinityInDouble) {
  const RegionBound bound = linear_region_bound(2000, 2000);  // 2^2000
  EXPECT_TRUE(std::isinf(bound.value));
  EXPECT_EQ(bound.exact.size(), 603u);  // floor(2000 log10 2) + 1
  EXPECT_EQ(bound.exact.back(), '6');   // 2^2000 ends in 6 (2^(4m) does)
}

TEST(LinearRegions, RejectsNegativeSizes) {
  expect_throw_with<ValueError>([] { linear_region_bound(-1, 3); },
                                "linear_region_bound: expected inputs >= 0 and hidden_units >= 0, got -1 and 3");
  expect_throw_with<ValueError>([] { linear_region_bound(2, kMaxHiddenUnits + 1); }, "hidden_units <= 100000");
}

}  // namespace
}  // namespace nnlab::analysis
