// kernels::sum_of_squares (the gradient-norm probe's and clip_grad_norm_'s kernel) against a
// plain loop in long double, on lengths around its lane width and its per-thread grain.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"
#include "nnlab/kernels/optim.h"

namespace nnlab::kernels {
namespace {

template <typename T>
std::vector<T> draws(std::int64_t n) {
  Rng rng(static_cast<std::uint64_t>(n));
  std::vector<T> values(static_cast<std::size_t>(n));
  rng.fill_normal(std::span<T>(values), 0.0, 3.0);
  return values;
}

template <typename T>
long double reference(const std::vector<T>& values) {
  long double sum = 0;
  for (T v : values) sum += static_cast<long double>(v) * static_cast<long double>(v);
  return sum;
}

TEST(SumOfSquares, MatchesAPlainLoopOnEveryLengthAndThreadCount) {
  const int saved = num_threads();
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    for (std::int64_t n : {0, 1, 15, 16, 17, 33, 1000, 1024, 1025, 1000003, (1 << 20) * 2 - 1, (1 << 20) * 3 + 5}) {
      const auto f32 = draws<float>(n);
      const auto f64 = draws<double>(n);
      const double expected32 = static_cast<double>(reference(f32));
      const double expected64 = static_cast<double>(reference(f64));
      // float lanes over blocks of 1,024: a relative error of a few float ulps
      EXPECT_NEAR(sum_of_squares(DType::f32, f32.data(), n), expected32, 1e-6 * (expected32 + 1)) << n;
      EXPECT_NEAR(sum_of_squares(DType::f64, f64.data(), n), expected64, 1e-12 * (expected64 + 1)) << n;
      EXPECT_EQ(grad_norm_partial(DType::f32, f32.data(), n, 2.0), sum_of_squares(DType::f32, f32.data(), n));
    }
  }
  set_num_threads(saved);
}

TEST(SumOfSquares, IsReproducibleForAThreadCount) {
  const auto values = draws<float>(3000017);
  const double first = sum_of_squares(DType::f32, values.data(), 3000017);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sum_of_squares(DType::f32, values.data(), 3000017), first);
}

}  // namespace
}  // namespace nnlab::kernels
