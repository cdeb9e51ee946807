// conv2d: values by hand (stride, padding, dilation, groups, 3-D input), gradients of some
// inputs only, float32 (oneDNN) against float64 (direct loops) on layer-sized shapes, and every
// bad-input error. Gradient checks and PyTorch parity run from the op table (cases_conv.cpp).
#include <gtest/gtest.h>

#include <limits>

#include "nnlab/core/error.h"
#include "nnlab/ops/conv.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {
namespace {

using ops::Conv2dParams;
using testing::grad_input;

constexpr DType kF64 = DType::f64;

// 1..n*n as a (1, 1, n, n) image.
Tensor counting_image(std::int64_t n) {
  std::vector<double> values;
  for (std::int64_t i = 1; i <= n * n; ++i) values.push_back(static_cast<double>(i));
  return Tensor::from_doubles(values, {1, 1, n, n}, kF64);
}

TEST(Conv2d, ValuesByHand) {
  // [[1, 0], [0, -1]] over 1..9: x[i, j] - x[i + 1, j + 1] = -4 everywhere, plus the bias 10.
  const Tensor w = Tensor::from_doubles({1, 0, 0, -1}, {1, 1, 2, 2}, kF64);
  expect_equal(ops::conv2d(counting_image(3), w, Tensor::from({10}, kF64)),
               Tensor::from_doubles({6, 6, 6, 6}, {1, 1, 2, 2}, kF64));
  // A 3x3 box of ones with padding 1: the sum of each pixel's neighbourhood, e.g. 1+2+4+5 = 12.
  expect_equal(ops::conv2d(counting_image(3), Tensor::ones({1, 1, 3, 3}, kF64), Tensor(), {.padding = 1}),
               Tensor::from_doubles({12, 21, 16, 27, 45, 33, 24, 39, 28}, {1, 1, 3, 3}, kF64));
}

TEST(Conv2d, StrideAndDilationByHand) {
  const Tensor box = Tensor::ones({1, 1, 2, 2}, kF64);
  // stride 2 over 1..16: disjoint 2x2 blocks, 1+2+5+6 = 14, 3+4+7+8 = 22, ...
  expect_equal(ops::conv2d(counting_image(4), box, Tensor(), {.stride = 2}),
               Tensor::from_doubles({14, 22, 46, 54}, {1, 1, 2, 2}, kF64));
  // dilation 2: taps two apart, x00 + x02 + x20 + x22 = 1+3+9+11 = 24, ...
  expect_equal(ops::conv2d(counting_image(4), box, Tensor(), {.dilation = 2}),
               Tensor::from_doubles({24, 28, 40, 44}, {1, 1, 2, 2}, kF64));
  // stride (1, 2): windows one row and two columns apart: 14, 22; 5+6+9+10 = 30, 38; 46, 54.
  expect_equal(ops::conv2d(counting_image(4), box, Tensor(), {.stride = {1, 2}}),
               Tensor::from_doubles({14, 22, 30, 38, 46, 54}, {1, 1, 3, 2}, kF64));
}

TEST(Conv2d, GroupsKeepChannelsApart) {
  // Two groups of one channel each: channel 0 (value 2) sees only filter 0 (10), channel 1 (3)
  // only filter 1 (100). One group would mix them.
  const Tensor x = Tensor::from_doubles({2, 3}, {1, 2, 1, 1}, kF64);
  expect_equal(ops::conv2d(x, Tensor::from_doubles({10, 100}, {2, 1, 1, 1}, kF64), Tensor(), {.groups = 2}),
               Tensor::from_doubles({20, 300}, {1, 2, 1, 1}, kF64));
  expect_equal(ops::conv2d(x, Tensor::from_doubles({10, 1, 100, 1}, {2, 2, 1, 1}, kF64)),
               Tensor::from_doubles({23, 203}, {1, 2, 1, 1}, kF64));
}

TEST(Conv2d, ThreeDimensionalInputIsOneImage) {
  Rng rng(1);
  const Tensor x = randn({2, 5, 5}, rng, kF64), w = randn({3, 2, 3, 3}, rng, kF64), b = randn({3}, rng, kF64);
  const Tensor image = ops::conv2d(x, w, b);
  EXPECT_EQ(image.shape(), Shape({3, 3, 3}));
  expect_equal(image, view::squeeze(ops::conv2d(view::unsqueeze(x, 0), w, b), 0));
  EXPECT_GRADCHECK([](const auto& in) { return ops::conv2d(in[0], in[1], in[2], {.padding = 1}); },
                   {grad_input({2, 5, 5}, rng), grad_input({3, 2, 3, 3}, rng), grad_input({3}, rng)});
}

TEST(Conv2d, GradientOfSomeInputsOnly) {
  Rng rng(2);
  const auto conv = [](const auto& in) { return ops::conv2d(in[0], in[1], in[2], {.stride = 2, .padding = 1}); };
  const Tensor x = randn({2, 2, 5, 5}, rng, kF64), w = randn({3, 2, 3, 3}, rng, kF64), b = randn({3}, rng, kF64);
  EXPECT_GRADCHECK(conv, {x, grad_input({3, 2, 3, 3}, rng), grad_input({3}, rng)});  // a data batch
  EXPECT_GRADCHECK(conv, {grad_input({2, 2, 5, 5}, rng), w, b});                     // frozen layer
  EXPECT_GRADCHECK(conv, {x, w, grad_input({3}, rng)});                              // bias only
}

// float32 runs on oneDNN at these sizes, float64 on the direct loops: values and all gradients agree.
TEST(Conv2d, Float32OneDnnAgreesWithFloat64Loops) {
  struct Case {
    Shape x, w;
    Conv2dParams params;
  };
  const Case cases[] = {
      {{4, 8, 12, 12}, {16, 8, 3, 3}, {.padding = 1}},
      {{3, 6, 15, 13}, {12, 6, 3, 3}, {.stride = 2, .padding = 1}},
      {{2, 8, 14, 14}, {8, 4, 3, 3}, {.dilation = 2, .groups = 2}},
      {{4, 6, 11, 16}, {10, 3, 5, 3}, {.stride = {2, 1}, .padding = {2, 0}, .dilation = {1, 2}, .groups = 2}},
  };
  Rng rng(3);
  for (const Case& c : cases) {
    const Tensor x = randn(c.x, rng, kF64), w = randn(c.w, rng, kF64), b = randn({c.w[0]}, rng, kF64);
    const Tensor x32 = to_dtype(x, DType::f32).requires_grad_(), w32 = to_dtype(w, DType::f32).requires_grad_();
    const Tensor b32 = to_dtype(b, DType::f32).requires_grad_();
    const Tensor y32 = ops::conv2d(x32, w32, b32, c.params);
    const Tensor y64 = ops::conv2d(x.requires_grad_(), w.requires_grad_(), b.requires_grad_(), c.params);
    const Tensor seed = randn(y64.shape(), rng, kF64);
    y32.backward(to_dtype(seed, DType::f32));
    y64.backward(seed);
    SCOPED_TRACE("input " + c.x.to_string() + ", weight " + c.w.to_string());
    expect_close(to_dtype(y32, kF64), y64, Tol::loose());
    expect_close(to_dtype(x32.grad(), kF64), x.grad(), Tol::loose());
    expect_close(to_dtype(w32.grad(), kF64), w.grad(), Tol::loose());
    expect_close(to_dtype(b32.grad(), kF64), b.grad(), Tol::loose());
  }
}

TEST(Conv2d, RejectsBadRanksAndShapes) {
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({5, 5}), Tensor::zeros({1, 1, 3, 3}));
      },
      "conv2d: expected input of rank 4 (N, C_in, H, W) or 3 (C_in, H, W), got shape [5, 5]");
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 1, 5, 5}), Tensor::zeros({1, 3, 3}));
      },
      "conv2d: expected weight of rank 4 (C_out, C_in / groups, kH, kW), got shape [1, 3, 3]");
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 1, 5, 5}), Tensor::zeros({1, 1, 0, 3}));
      },
      "conv2d: expected a weight with no zero size, got shape [1, 1, 0, 3]");
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 1, 0, 5}), Tensor::zeros({1, 1, 3, 3}), {}, {.padding = 2});
      },
      "conv2d: expected an image with non-zero height and width, got input shape [1, 1, 0, 5]");
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 1, 5, 5}), Tensor::zeros({4, 1, 3, 3}), Tensor::zeros({3}));
      },
      "conv2d: expected bias of shape [4] (out_channels of weight [4, 1, 3, 3]), got [3]");
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 4, 8, 8}), Tensor::zeros({16, 3, 3, 3}));
      },
      "conv2d: expected input with 3 channels (weight [16, 3, 3, 3], groups=1), got input "
      "[1, 4, 8, 8]");
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 4, 8, 8}), Tensor::zeros({5, 2, 3, 3}), Tensor(), {.groups = 2});
      },
      "conv2d: expected out_channels divisible by groups=2, got weight [5, 2, 3, 3] (5 output channels)");
}

TEST(Conv2d, RejectsAnImageSmallerThanTheKernel) {
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 2, 3, 3}), Tensor::zeros({4, 2, 5, 5}));
      },
      "conv2d: expected the padded input (3, 3) to be at least the dilated kernel (5, 5), got input [1, 2, 3, 3] "
      "with kernel (5, 5), stride (1, 1), padding (0, 0), dilation (1, 1)");
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d(Tensor::zeros({2, 6, 6}), Tensor::zeros({4, 2, 3, 3}), Tensor(),
                    {.padding = {1, 0}, .dilation = 3});
      },
      "conv2d: expected the padded input (8, 6) to be at least the dilated kernel (7, 7), got input [2, 6, 6] "
      "with kernel (3, 3), stride (1, 1), padding (1, 0), dilation (3, 3)");
}

// A padding or dilation near 2^63 overflowed the output size, which came out wrong instead of
// failing (a config's padding of 2^63 - 1 trained with exit 0).
TEST(Conv2d, RejectsPaddingsAndDilationsPastInt64) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const Tensor x = Tensor::zeros({1, 1, 5, 5}), w = Tensor::zeros({1, 1, 3, 3});
  expect_throw_with<ShapeError>([&] { ops::conv2d(x, w, Tensor(), {.padding = kMax}); },
                                "conv2d: expected a padded input and a dilated kernel of at most 2^63 - 1 pixels a "
                                "side, got input [1, 1, 5, 5] with kernel (3, 3), padding (9223372036854775807, "
                                "9223372036854775807), dilation (1, 1)");
  expect_throw_with<ShapeError>(
      [&] {
        ops::conv2d(x, w, Tensor(), {.dilation = {1, kMax}});
      },
      "dilation (1, 9223372036854775807)");
  expect_throw_with<ShapeError>(
      [&] {
        ops::conv2d_output_shape({1, 1, 5, 5}, {1, 1, 3, 3}, {.padding = kMax / 2});
      },
      "of at most 2^63 - 1 pixels a side");
}

TEST(Conv2d, OutputShapeIsTheForwardsWithoutRunningIt) {
  const ops::Conv2dParams params{.stride = {2, 1}, .padding = {1, 2}, .dilation = {1, 2}, .groups = 2};
  const Tensor x = Tensor::zeros({2, 4, 9, 7}), w = Tensor::zeros({6, 2, 3, 2});
  EXPECT_EQ(ops::conv2d_output_shape(x.shape(), w.shape(), params), ops::conv2d(x, w, Tensor(), params).shape());
  EXPECT_EQ(ops::conv2d_output_shape({4, 9, 7}, w.shape(), params), (Shape{6, 5, 9}));
  expect_throw_with<ShapeError>(
      [] {
        ops::conv2d_output_shape({1, 1, 3, 3}, {1, 1, 4, 4});
      },
      "conv2d: expected the padded input (3, 3) to be at least the dilated kernel (4, 4)");
  // 2^31 - 1 output channels of a 2^31 - 1 padding: the shape is computed, its size left to the caller
  EXPECT_EQ(ops::conv2d_output_shape({1, 1, 1, 1}, {2147483647, 1, 1, 1}, {.padding = 2147483647}),
            (Shape{1, 2147483647, 4294967295, 4294967295}));
}

TEST(Conv2d, RejectsBadParameters) {
  const Tensor x = Tensor::zeros({1, 2, 5, 5}), w = Tensor::zeros({2, 2, 3, 3});
  expect_throw_with<ValueError>(
      [&] {
        ops::conv2d(x, w, Tensor(), {.stride = {1, 0}});
      },
      "conv2d: expected positive stride, got (1, 0)");
  expect_throw_with<ValueError>([&] { ops::conv2d(x, w, Tensor(), {.dilation = 0}); },
                                "conv2d: expected positive dilation, got (0, 0)");
  expect_throw_with<ValueError>(
      [&] {
        ops::conv2d(x, w, Tensor(), {.padding = {-1, 0}});
      },
      "conv2d: expected non-negative padding, got (-1, 0)");
  expect_throw_with<ValueError>([&] { ops::conv2d(x, w, Tensor(), {.groups = 0}); },
                                "conv2d: expected positive groups, got 0");
}

TEST(Conv2d, RejectsIntegerAndMixedDTypes) {
  expect_throw_with<DTypeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 1, 3, 3}, DType::i64), Tensor::zeros({1, 1, 2, 2}));
      },
      "conv2d: input: expected float32 or float64, got int64");
  expect_throw_with<DTypeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 1, 3, 3}), Tensor::zeros({1, 1, 2, 2}, kF64));
      },
      "conv2d: input and weight: both tensors must have one dtype, got float32 and float64");
  expect_throw_with<DTypeError>(
      [] {
        ops::conv2d(Tensor::zeros({1, 1, 3, 3}), Tensor::zeros({1, 1, 2, 2}), Tensor::zeros({1}, kF64));
      },
      "conv2d: input and bias: both tensors must have one dtype, got float32 and float64");
}

TEST(Conv2d, EmptyBatchGivesEmptyOutput) {
  const Tensor y = ops::conv2d(Tensor::zeros({0, 2, 5, 5}), Tensor::zeros({3, 2, 3, 3}));
  EXPECT_EQ(y.shape(), Shape({0, 3, 3, 3}));
}

}  // namespace
}  // namespace nnlab
