#pragma once
// Loops over one contiguous row, shared by the reduction, softmax and loss kernels. Each is
// written in eight independent lanes (or as a plain map) so that GCC vectorises it without
// -ffast-math, which would allow it to reorder the float sums itself. All are always_inline,
// so they compile into each instruction-set clone of the kernels that call them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "nnlab/kernels/cpu/fast_math.h"
#include "nnlab/kernels/cpu/isa.h"

#define NNLAB_ROW_INLINE [[gnu::always_inline]] inline

namespace nnlab::kernels::cpu {

// Sum of x[0..n) with float64 partial sums.
template <typename T>
NNLAB_ROW_INLINE double row_sum(const T* x, std::int64_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::int64_t r = 0;
  for (; r + 8 <= n; r += 8) {
    for (int l = 0; l < 8; ++l) acc[l] += static_cast<double>(x[r + l]);
  }
  double total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; r < n; ++r) total += static_cast<double>(x[r]);
  return total;
}

// sum_c a[c] b[c] with float64 partial sums.
template <typename T>
NNLAB_ROW_INLINE double row_dot(const T* a, const T* b, std::int64_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::int64_t r = 0;
  for (; r + 8 <= n; r += 8) {
    for (int l = 0; l < 8; ++l) acc[l] += static_cast<double>(a[r + l]) * static_cast<double>(b[r + l]);
  }
  double total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; r < n; ++r) total += static_cast<double>(a[r]) * static_cast<double>(b[r]);
  return total;
}

// max (IsMax) or min of x[0..n), n >= 1, ignoring NaNs after x[0]; row_nan_count finds them.
template <typename T, bool IsMax = true>
NNLAB_ROW_INLINE T row_max(const T* x, std::int64_t n) {
  T lanes[8];
  std::fill_n(lanes, 8, x[0]);
  const auto better = [](T v, T best) { return IsMax ? v > best : v < best; };
  std::int64_t c = 0;
  for (; c + 8 <= n; c += 8) {
    for (int l = 0; l < 8; ++l) lanes[l] = better(x[c + l], lanes[l]) ? x[c + l] : lanes[l];
  }
  for (; c < n; ++c) lanes[0] = better(x[c], lanes[0]) ? x[c] : lanes[0];
  T best = lanes[0];
  for (int l = 1; l < 8; ++l) best = better(lanes[l], best) ? lanes[l] : best;
  return best;
}

// How many of x[0..n) are NaN.
template <typename T>
NNLAB_ROW_INLINE std::int64_t row_nan_count(const T* x, std::int64_t n) {
  std::int64_t count = 0;
  for (std::int64_t c = 0; c < n; ++c) count += x[c] != x[c] ? 1 : 0;
  return count;
}

// e^v: float32 through fast_exp (within 2 ulp, and vectorisable), float64 through std::exp.
template <typename T>
NNLAB_ROW_INLINE T exp_of(T v) {
  if constexpr (std::is_same_v<T, float>) {
    return fast_exp(v);
  } else {
    return std::exp(v);
  }
}

// out[c] = e^(x[c] - shift) for c < n; returns their sum (float64). out may not alias x.
template <typename T>
NNLAB_ROW_INLINE double row_exp_shifted(const T* x, T shift, T* out, std::int64_t n) {
  for (std::int64_t c = 0; c < n; ++c) out[c] = exp_of(x[c] - shift);
  return row_sum(out, n);
}

// sum_c e^(x[c] - shift) without an output row: chunks through a buffer on the stack.
template <typename T>
NNLAB_ROW_INLINE double row_exp_sum(const T* x, T shift, std::int64_t n) {
  constexpr std::int64_t kChunk = 512;
  T buffer[kChunk];
  double sum = 0.0;
  for (std::int64_t c = 0; c < n; c += kChunk) sum += row_exp_shifted(x + c, shift, buffer, std::min(kChunk, n - c));
  return sum;
}

}  // namespace nnlab::kernels::cpu
