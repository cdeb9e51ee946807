#pragma once
// Integer arithmetic on sizes that says when the exact result does not fit in int64, instead of
// wrapping (which is undefined behaviour for signed integers). Sizes come from configs, flags and
// file headers, so any product or sum of them may overflow: shapes, element counts and the output
// sizes of convolutions and pools are computed with these.
#include <cstdint>
#include <optional>
#include <span>

namespace nnlab {

// a + b, or nullopt when the exact sum is outside int64.
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// a · b, or nullopt when the exact product is outside int64.
inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// The product of `sizes` (1 for none), or nullopt when it is outside int64. A zero size makes the
// product 0 whatever the others are, as for a tensor with an empty dimension.
inline std::optional<std::int64_t> checked_product(std::span<const std::int64_t> sizes) {
  std::int64_t product = 1;
  bool overflow = false;
  for (std::int64_t size : sizes) {
    if (size == 0) return 0;
    overflow = overflow || __builtin_mul_overflow(product, size, &product);
  }
  if (overflow) return std::nullopt;
  return product;
}

}  // namespace nnlab
