// max_pool2d, avg_pool2d, adaptive_avg_pool2d: values and gradients by hand (ties, NaN,
// padding, uneven adaptive windows, 3-D input), float32 against float64, the max-pooling
// kernel's vector paths against a plain window scan, and every bad-input error. Gradient
// checks and PyTorch parity run from the op table (cases_conv.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/kernels/pool.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/pool.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/copy.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {
namespace {

using ops::Size2d;
using testing::grad_input;

constexpr DType kF64 = DType::f64;

// 1..h*w as a (1, 1, h, w) image.
Tensor counting_image(std::int64_t h, std::int64_t w) {
  std::vector<double> values;
  for (std::int64_t i = 1; i <= h * w; ++i) values.push_back(static_cast<double>(i));
  return Tensor::from_doubles(values, {1, 1, h, w}, kF64);
}

// The gradient of sum(f(x)) with respect to x.
template <typename F>
Tensor grad_of_sum(const F& f, const Tensor& x) {
  const Tensor input = x.detach().requires_grad_();
  ops::sum(f(input)).backward();
  return input.grad();
}

TEST(MaxPool2d, ValuesAndGradientByHand) {
  const auto pool = [](const Tensor& x) { return ops::max_pool2d(x, 2); };
  // 2x2 blocks of 1..16: the bottom-right of each block is its max.
  expect_equal(pool(counting_image(4, 4)), Tensor::from_doubles({6, 8, 14, 16}, {1, 1, 2, 2}, kF64));
  expect_equal(grad_of_sum(pool, counting_image(4, 4)),
               Tensor::from_doubles({0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1}, {1, 1, 4, 4}, kF64));
  // The default stride is the kernel size.
  expect_equal(pool(counting_image(4, 4)), ops::max_pool2d(counting_image(4, 4), 2, Size2d(2)));
}

TEST(MaxPool2d, PaddingNeverWinsAndOverlapsAddUp) {
  // 3x3 windows, stride 1, padding 1 over 1..9 (the -inf padding never wins): the max of each
  // neighbourhood. 9 is the max of four windows, so its gradient is 4.
  const auto pool = [](const Tensor& x) { return ops::max_pool2d(x, 3, Size2d(1), 1); };
  expect_equal(pool(counting_image(3, 3)), Tensor::from_doubles({5, 6, 6, 8, 9, 9, 8, 9, 9}, {1, 1, 3, 3}, kF64));
  expect_equal(grad_of_sum(pool, counting_image(3, 3)),
               Tensor::from_doubles({0, 0, 0, 0, 1, 2, 0, 2, 4}, {1, 1, 3, 3}, kF64));
  // All pixels negative: the max is still a real pixel, never the padding.
  expect_equal(pool(-counting_image(2, 2)), Tensor::from_doubles({-1, -1, -1, -1}, {1, 1, 2, 2}, kF64));
}

TEST(MaxPool2d, FirstMaximumWinsTiesAndNaNPropagates) {
  // All equal: the gradient goes to the first element of the window, as in PyTorch.
  expect_equal(grad_of_sum([](const Tensor& x) { return ops::max_pool2d(x, 2); }, Tensor::zeros({1, 1, 2, 2}, kF64)),
               Tensor::from_doubles({1, 0, 0, 0}, {1, 1, 2, 2}, kF64));
  const Tensor with_nan = Tensor::from_doubles({1, std::numeric_limits<double>::quiet_NaN(), 3, 4}, {1, 1, 2, 2}, kF64);
  EXPECT_TRUE(std::isnan(ops::max_pool2d(with_nan, 2).item()));
}

TEST(MaxPool2d, TwoByTwoFastPathMatchesAWindowScan) {
  // 2x2 / stride 2 runs the vector path: compare it, through the op and its gradient, with a
  // plain scan on small integers (many ties), a few NaNs and an odd width (the last column is
  // in no window), in both dtypes. KernelMatchesAWindowScanBitForBit covers the other shapes.
  constexpr std::int64_t kN = 2, kC = 3, kH = 6, kW = 7, kOH = 3, kOW = 3;
  std::vector<double> values(kN * kC * kH * kW);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(((i * 2654435761u) >> 7) % 3);
  values[10] = values[45] = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> expected_out, expected_grad(values.size(), 0.0);
  for (std::int64_t plane = 0; plane < kN * kC; ++plane) {
    for (std::int64_t oh = 0; oh < kOH; ++oh) {
      for (std::int64_t ow = 0; ow < kOW; ++ow) {
        double best = -std::numeric_limits<double>::infinity();
        std::int64_t arg = -1;
        for (std::int64_t ih = 2 * oh; ih < 2 * oh + 2; ++ih) {
          for (std::int64_t iw = 2 * ow; iw < 2 * ow + 2; ++iw) {
            const std::int64_t at = (plane * kH + ih) * kW + iw;
            if (arg < 0 || values[at] > best || std::isnan(values[at])) {
              best = values[at];
              arg = at;
            }
          }
        }
        expected_out.push_back(best);
        expected_grad[arg] += 1.0;
      }
    }
  }
  for (DType dtype : {DType::f32, kF64}) {
    const Tensor x = Tensor::from_doubles(values, {kN, kC, kH, kW}, dtype);
    const auto pool = [](const Tensor& t) { return ops::max_pool2d(t, 2); };
    const std::vector<double> out = pool(x).to_vector<double>();
    ASSERT_EQ(out.size(), expected_out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (std::isnan(expected_out[i]))
        EXPECT_TRUE(std::isnan(out[i])) << i;
      else
        EXPECT_EQ(out[i], expected_out[i]) << i;
    }
    expect_equal(to_dtype(grad_of_sum(pool, x), kF64), Tensor::from_doubles(expected_grad, {kN, kC, kH, kW}, kF64));
  }
}

// The window scan max_pool2d_forward must reproduce: rows then columns of the clipped window,
// a larger value or a NaN takes over; the argmax starts at the window's first pixel.
template <typename T>
void reference_max_pool(const kernels::Pool2dGeometry& g, const std::vector<T>& x, std::vector<T>& out,
                        std::vector<std::int64_t>& indices) {
  for (std::int64_t plane = 0; plane < g.batch * g.channels; ++plane) {
    const T* xp = x.data() + plane * g.in_h * g.in_w;
    for (std::int64_t oh = 0; oh < g.out_h; ++oh) {
      for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
        const std::int64_t hs = oh * g.stride_h - g.pad_h, ws = ow * g.stride_w - g.pad_w;
        const std::int64_t h0 = std::max<std::int64_t>(hs, 0), w0 = std::max<std::int64_t>(ws, 0);
        T best = -std::numeric_limits<T>::infinity();
        std::int64_t arg = h0 * g.in_w + w0;
        for (std::int64_t ih = h0; ih < std::min(hs + g.kernel_h, g.in_h); ++ih) {
          for (std::int64_t iw = w0; iw < std::min(ws + g.kernel_w, g.in_w); ++iw) {
            const T v = xp[ih * g.in_w + iw];
            if (v > best || std::isnan(v)) {
              best = v;
              arg = ih * g.in_w + iw;
            }
          }
        }
        out.push_back(best);
        indices.push_back(arg);
      }
    }
  }
}

// Few distinct values, so windows hold ties: -inf, -0 and +0 (equal under >), 1, 2, and NaNs
// with payloads 1..4 (which NaN wins shows in the bits), placed by a hash.
template <typename T>
std::vector<T> tied_values_with_nans(std::int64_t count, std::uint64_t seed) {
  std::vector<T> values;
  for (std::int64_t i = 0; i < count; ++i) {
    const std::uint64_t h = ((static_cast<std::uint64_t>(i) + seed) * 0x9E3779B97F4A7C15u) >> 40;
    const T choices[] = {-std::numeric_limits<T>::infinity(), T(-0.0), T(0), T(1), T(2), T(2)};
    values.push_back(choices[h % 6]);
    if (h % 23 == 0) {  // about 1 in 23
      const std::string payload = std::to_string(1 + h % 4);
      if constexpr (sizeof(T) == 4) {
        values.back() = std::nanf(payload.c_str());
      } else {
        values.back() = std::nan(payload.c_str());
      }
    }
  }
  return values;
}

// g's window on an (h, w) image: the output size and the batch of 2 x 3 planes filled in.
kernels::Pool2dGeometry on_image(kernels::Pool2dGeometry g, std::int64_t h, std::int64_t w) {
  g.batch = 2;
  g.channels = 3;
  g.in_h = h;
  g.in_w = w;
  g.out_h = (h + 2 * g.pad_h - g.kernel_h) / g.stride_h + 1;
  g.out_w = (w + 2 * g.pad_w - g.kernel_w) / g.stride_w + 1;
  return g;
}

template <typename T>
void expect_max_pool_matches_scan(const kernels::Pool2dGeometry& g) {
  const Shape in_shape{g.batch, g.channels, g.in_h, g.in_w}, out_shape{g.batch, g.channels, g.out_h, g.out_w};
  const std::vector<T> x =
      tied_values_with_nans<T>(in_shape.numel(), static_cast<std::uint64_t>(g.in_h * 131 + g.in_w));
  // 16 guard elements past the end, which the kernel must leave alone.
  std::vector<T> expected_out, out(static_cast<std::size_t>(out_shape.numel()) + 16, T(7));
  std::vector<std::int64_t> expected_indices, indices(out.size(), 7);
  reference_max_pool(g, x, expected_out, expected_indices);
  expected_out.resize(out.size(), T(7));
  expected_indices.resize(out.size(), 7);
  kernels::max_pool2d_forward(g, {x.data(), dtype_of<T>(), in_shape, contiguous_strides(in_shape)},
                              {out.data(), dtype_of<T>(), out_shape, contiguous_strides(out_shape)},
                              {indices.data(), DType::i64, out_shape, contiguous_strides(out_shape)});
  SCOPED_TRACE(std::string(sizeof(T) == 4 ? "float32" : "float64") + " input " + in_shape.to_string() + ", kernel (" +
               std::to_string(g.kernel_h) + ", " + std::to_string(g.kernel_w) + "), stride (" +
               std::to_string(g.stride_h) + ", " + std::to_string(g.stride_w) + "), padding (" +
               std::to_string(g.pad_h) + ", " + std::to_string(g.pad_w) + ")");
  for (std::size_t i = 0; i < out.size(); ++i) {
    // Bits, not ==: NaN payloads and the sign of zero must match too. One report per case.
    if (std::memcmp(&out[i], &expected_out[i], sizeof(T)) != 0 || indices[i] != expected_indices[i]) {
      ADD_FAILURE() << "output " << i << ": " << out[i] << " at " << indices[i] << ", expected " << expected_out[i]
                    << " at " << expected_indices[i];
      return;
    }
  }
}

TEST(MaxPool2d, KernelMatchesAWindowScanBitForBit) {
  // W5's and W8's windows first. 2x2 / stride 2 takes max_plane_2x2, the other strides 1 and 2
  // max_plane_interior plus the scan at clipped edges, stride 3 the scan only.
  const kernels::Pool2dGeometry windows[] = {
      {.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2},
      {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .pad_h = 1, .pad_w = 1},
      {.kernel_h = 3, .kernel_w = 3, .stride_h = 1, .stride_w = 1, .pad_h = 1, .pad_w = 1},
      {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2},
      {.kernel_h = 2, .kernel_w = 2, .stride_h = 1, .stride_w = 1},
      {.kernel_h = 1, .kernel_w = 1, .stride_h = 1, .stride_w = 1},
      {.kernel_h = 3, .kernel_w = 2, .stride_h = 2, .stride_w = 1, .pad_h = 1},
      {.kernel_h = 5, .kernel_w = 5, .stride_h = 2, .stride_w = 2, .pad_h = 2, .pad_w = 2},
      {.kernel_h = 4, .kernel_w = 4, .stride_h = 3, .stride_w = 3, .pad_h = 1, .pad_w = 1},
  };
  // Rows of every block size with ragged tails (widths 7..65), odd and even heights (the last
  // window row clipped or not), and images barely larger than the kernel.
  for (const kernels::Pool2dGeometry& window : windows) {
    for (std::int64_t w : {1, 2, 3, 7, 14, 15, 17, 28, 32, 33, 65}) {
      for (std::int64_t h : {4, 5, 9}) {
        if (h + 2 * window.pad_h < window.kernel_h || w + 2 * window.pad_w < window.kernel_w) continue;
        expect_max_pool_matches_scan<float>(on_image(window, h, w));
        expect_max_pool_matches_scan<double>(on_image(window, h, w));
      }
    }
  }
}

TEST(AvgPool2d, ValuesAndGradientByHand) {
  // 2x2 blocks of 1..16: (1+2+5+6) / 4 = 3.5, ...
  expect_equal(ops::avg_pool2d(counting_image(4, 4), 2),
               Tensor::from_doubles({3.5, 5.5, 11.5, 13.5}, {1, 1, 2, 2}, kF64));
  // Padding counts in the divisor (count_include_pad): the corner window holds 1+2+4+5 over 9 cells.
  const auto pool = [](const Tensor& x) { return ops::avg_pool2d(x, 3, Size2d(1), 1); };
  expect_close(pool(counting_image(3, 3)),
               Tensor::from_doubles({12 / 9.0, 21 / 9.0, 16 / 9.0, 27 / 9.0, 5, 33 / 9.0, 24 / 9.0, 39 / 9.0, 28 / 9.0},
                                    {1, 1, 3, 3}, kF64),
               Tol::f64());
  // Each pixel is in as many windows as it has neighbours (itself included), each giving 1/9.
  expect_close(grad_of_sum(pool, counting_image(3, 3)),
               Tensor::from_doubles({4 / 9.0, 6 / 9.0, 4 / 9.0, 6 / 9.0, 1, 6 / 9.0, 4 / 9.0, 6 / 9.0, 4 / 9.0},
                                    {1, 1, 3, 3}, kF64),
               Tol::f64());
}

TEST(AdaptiveAvgPool2d, UnevenWindowsByHand) {
  // 5 columns into 3: windows [0, 2), [1, 4), [3, 5) -> 1.5, 3, 4.5. Columns 1 and 3 sit in two windows.
  const auto pool = [](const Tensor& x) { return ops::adaptive_avg_pool2d(x, 1, 3); };
  expect_close(pool(counting_image(1, 5)), Tensor::from_doubles({1.5, 3, 4.5}, {1, 1, 1, 3}, kF64), Tol::f64());
  expect_close(grad_of_sum(pool, counting_image(1, 5)),
               Tensor::from_doubles({0.5, 0.5 + 1 / 3.0, 1 / 3.0, 1 / 3.0 + 0.5, 0.5}, {1, 1, 1, 5}, kF64), Tol::f64());
  // An output larger than the input repeats pixels: 2 -> 3 gives windows [0, 1), [0, 2), [1, 2).
  expect_close(ops::adaptive_avg_pool2d(counting_image(1, 2), {1, 3}),
               Tensor::from_doubles({1, 1.5, 2}, {1, 1, 1, 3}, kF64), Tol::f64());
}

TEST(AdaptiveAvgPool2d, OneByOneIsTheMeanOfEachPlane) {
  Rng rng(1);
  const Tensor x = randn({2, 3, 4, 5}, rng, kF64);
  expect_close(ops::adaptive_avg_pool2d(x, 1), ops::mean(x, Shape{2, 3}, /*keepdim=*/true), Tol::f64());
}

TEST(Pool2d, ThreeDimensionalInputIsOneImage) {
  Rng rng(2);
  const Tensor x = randn({2, 5, 6}, rng, kF64);
  expect_equal(ops::max_pool2d(x, 2), view::squeeze(ops::max_pool2d(view::unsqueeze(x, 0), 2), 0));
  expect_equal(ops::avg_pool2d(x, 3, Size2d(2), 1),
               view::squeeze(ops::avg_pool2d(view::unsqueeze(x, 0), 3, Size2d(2), 1), 0));
  EXPECT_EQ(ops::adaptive_avg_pool2d(x, {2, 3}).shape(), Shape({2, 2, 3}));
  EXPECT_GRADCHECK([](const auto& in) { return ops::max_pool2d(in[0], 2, Size2d(1)); }, {grad_input({2, 4, 4}, rng)});
  EXPECT_GRADCHECK([](const auto& in) { return ops::adaptive_avg_pool2d(in[0], 3); }, {grad_input({2, 4, 5}, rng)});
}

TEST(Pool2d, Float32AgreesWithFloat64) {
  Rng rng(3);
  const Tensor x = randn({8, 16, 17, 15}, rng, kF64);
  const Tensor x32 = to_dtype(x, DType::f32);
  expect_close(to_dtype(ops::max_pool2d(x32, 3, Size2d(2), 1), kF64), ops::max_pool2d(x, 3, Size2d(2), 1), Tol::f32());
  expect_close(to_dtype(ops::avg_pool2d(x32, {3, 2}, Size2d(2, 1), {1, 0}), kF64),
               ops::avg_pool2d(x, {3, 2}, Size2d(2, 1), {1, 0}), Tol::f32());
  expect_close(to_dtype(ops::adaptive_avg_pool2d(x32, {5, 4}), kF64), ops::adaptive_avg_pool2d(x, {5, 4}), Tol::f32());
}

TEST(Pool2d, RejectsBadInput) {
  expect_throw_with<ShapeError>(
      [] {
        ops::max_pool2d(Tensor::zeros({4, 4}), 2);
      },
      "max_pool2d: expected input of rank 4 (N, C, H, W) or 3 (C, H, W), got shape [4, 4]");
  expect_throw_with<ShapeError>(
      [] {
        ops::avg_pool2d(Tensor::zeros({1, 0, 4, 4}), 2);
      },
      "avg_pool2d: expected input with non-zero channels, height and width, got shape [1, 0, 4, 4]");
  expect_throw_with<ShapeError>(
      [] {
        ops::adaptive_avg_pool2d(Tensor::zeros({2, 3, 0, 4}), 1);
      },
      "adaptive_avg_pool2d: expected input with non-zero channels, height and width, got shape [2, 3, 0, 4]");
  expect_throw_with<DTypeError>(
      [] {
        ops::max_pool2d(Tensor::zeros({1, 1, 4, 4}, DType::i64), 2);
      },
      "max_pool2d: expected float32 or float64, got int64");
}

TEST(Pool2d, RejectsBadParameters) {
  const Tensor x = Tensor::zeros({1, 1, 6, 6});
  expect_throw_with<ValueError>(
      [&] {
        ops::max_pool2d(x, {2, 0});
      },
      "max_pool2d: expected positive kernel_size, got (2, 0)");
  expect_throw_with<ValueError>([&] { ops::avg_pool2d(x, 2, Size2d(0)); },
                                "avg_pool2d: expected positive stride, got (0, 0)");
  expect_throw_with<ValueError>(
      [&] { ops::max_pool2d(x, 3, std::nullopt, 2); },
      "max_pool2d: expected padding between 0 and half the kernel_size, got padding (2, 2) for "
      "kernel_size (3, 3)");
  expect_throw_with<ValueError>(
      [&] {
        ops::avg_pool2d(x, 2, std::nullopt, {0, -1});
      },
      "avg_pool2d: expected padding between 0 and half the kernel_size, got padding (0, -1)");
  expect_throw_with<ValueError>([&] { ops::adaptive_avg_pool2d(x, 0, 3); },
                                "adaptive_avg_pool2d: expected a positive output_size, got (0, 3)");
}

// 2·padding and the padded input overflowed for a padding or a kernel near 2^63.
TEST(Pool2d, RejectsPaddingsAndKernelsNearInt64WithoutOverflow) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const Tensor x = Tensor::zeros({1, 1, 6, 6});
  expect_throw_with<ValueError>([&] { ops::max_pool2d(x, 3, std::nullopt, kMax); },
                                "max_pool2d: expected padding between 0 and half the kernel_size, got padding "
                                "(9223372036854775807, 9223372036854775807) for kernel_size (3, 3)");
  expect_throw_with<ValueError>([&] { ops::avg_pool2d(x, kMax, std::nullopt, std::int64_t{1} << 62); },
                                "avg_pool2d: expected padding between 0 and half the kernel_size");
  // padding just under half a kernel near 2^63: the padded input would pass int64, the output is 1
  EXPECT_EQ(ops::pool2d_output_shape({1, 6, 6}, kMax, std::nullopt, kMax / 2), (Shape{1, 1, 1}));
  expect_throw_with<ShapeError>(
      [] {
        ops::pool2d_output_shape({1, 1, 2, 2}, kMax, std::nullopt, 1);
      },
      "pool2d: expected the padded input (4, 4) to be at least kernel_size "
      "(9223372036854775807, 9223372036854775807)");
}

TEST(Pool2d, OutputShapesAreTheForwardsWithoutRunningThem) {
  const Tensor x = Tensor::zeros({2, 3, 9, 7});
  EXPECT_EQ(ops::pool2d_output_shape(x.shape(), {3, 2}, Size2d(2, 1), {1, 1}),
            ops::max_pool2d(x, {3, 2}, Size2d(2, 1), {1, 1}).shape());
  EXPECT_EQ(ops::pool2d_output_shape({3, 9, 7}, 2), ops::avg_pool2d(Tensor::zeros({3, 9, 7}), 2).shape());
  EXPECT_EQ(ops::adaptive_avg_pool2d_output_shape(x.shape(), {4, 5}), ops::adaptive_avg_pool2d(x, 4, 5).shape());
  EXPECT_EQ(ops::adaptive_avg_pool2d_output_shape({3, 9, 7}, 2147483647), (Shape{3, 2147483647, 2147483647}));
  expect_throw_with<ValueError>(
      [] {
        ops::adaptive_avg_pool2d_output_shape({3, 9, 7}, 0);
      },
      "adaptive_avg_pool2d: expected a positive output_size, got (0, 0)");
}

TEST(Pool2d, RejectsAnImageSmallerThanTheKernel) {
  expect_throw_with<ShapeError>(
      [] {
        ops::max_pool2d(Tensor::zeros({1, 3, 1, 5}), 4, Size2d(1, 2), 1);
      },
      "max_pool2d: expected the padded input (3, 7) to be at least kernel_size (4, 4), got input [1, 3, 1, 5] with "
      "kernel_size (4, 4), stride (1, 2), padding (1, 1)");
  expect_throw_with<ShapeError>(
      [] {
        ops::avg_pool2d(Tensor::zeros({3, 5, 1}), {2, 2});
      },
      "avg_pool2d: expected the padded input (5, 1) to be at least kernel_size (2, 2), got "
      "input [3, 5, 1] with kernel_size (2, 2), stride (2, 2), padding (0, 0)");
}

}  // namespace
}  // namespace nnlab
