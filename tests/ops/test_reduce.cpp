#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnlab/core/error.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/ops/shape_ops.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {
namespace {

using testing::grad_input;
using testing::non_contiguous;

// x[i, j, k] = 12 i + 4 j + k, shape (2, 3, 4).
Tensor ramp(DType dtype = DType::f32) { return view::reshape(arange(0, 24, 1, dtype), {2, 3, 4}); }

Tensor int64s(std::vector<std::int64_t> values, const Shape& shape) {
  return Tensor::from_vector<std::int64_t>(values, shape);
}

}  // namespace

TEST(Reduce, SumAndMeanByHand) {
  const Tensor x = Tensor::from({{1, 2, 3}, {4, 5, 6}});
  expect_equal(ops::sum(x), Tensor::scalar(21));                // 1+2+3+4+5+6
  expect_equal(ops::sum(x, 0), Tensor::from({5, 7, 9}));       // column sums
  expect_equal(ops::sum(x, 1), Tensor::from({6, 15}));         // row sums
  expect_equal(ops::sum(x, -1), Tensor::from({6, 15}));
  expect_equal(ops::mean(x), Tensor::scalar(3.5));             // 21 / 6
  expect_equal(ops::mean(x, 0), Tensor::from({2.5, 3.5, 4.5}));
  expect_equal(ops::mean(x, 1, /*keepdim=*/true), Tensor::from_doubles({2, 5}, {2, 1}));
}

TEST(Reduce, EveryDimPositionOfA3DTensor) {
  const Tensor x = ramp();
  expect_equal(ops::sum(x, 0), Tensor::from({{12, 14, 16, 18}, {20, 22, 24, 26}, {28, 30, 32, 34}}));  // 2(4j+k)+12
  expect_equal(ops::sum(x, 1), Tensor::from({{12, 15, 18, 21}, {48, 51, 54, 57}}));  // 36i + 12 + 3k
  expect_equal(ops::sum(x, 2), Tensor::from({{6, 22, 38}, {54, 70, 86}}));          // 48i + 16j + 6
  expect_equal(ops::sum(x, {0, 2}), Tensor::from({60, 92, 124}));                    // 60 + 32j
  expect_equal(ops::sum(x, {-1, -3}), Tensor::from({60, 92, 124}));
  expect_equal(ops::sum(x, {0, 1}), Tensor::from({60, 66, 72, 78}));                 // 60 + 6k
  expect_equal(ops::sum(x, {0, 2}, /*keepdim=*/true), Tensor::from_doubles({60, 92, 124}, {1, 3, 1}));
  expect_equal(ops::mean(x, 1), Tensor::from({{4, 5, 6, 7}, {16, 17, 18, 19}}));   // 12i + 4 + k
  expect_equal(ops::mean(x, Shape{}), Tensor::scalar(11.5));  // an empty list reduces every dim
}

TEST(Reduce, KeepdimKeepsSizeOneDims) {
  const Tensor x = ramp();
  EXPECT_EQ(ops::sum(x, 1, /*keepdim=*/true).shape(), Shape({2, 1, 4}));
  EXPECT_EQ(ops::max(x, {0, 2}, /*keepdim=*/true).shape(), Shape({1, 3, 1}));
  EXPECT_EQ(ops::var(x, -1, 1, /*keepdim=*/true).shape(), Shape({2, 3, 1}));
  EXPECT_EQ(ops::argmax(x, 0, /*keepdim=*/true).shape(), Shape({1, 3, 4}));
  EXPECT_EQ(ops::sum(x).dim(), 0);
}

TEST(Reduce, VarianceByHand) {
  const Tensor x = Tensor::from({{1, 2, 3}, {4, 5, 6}}, DType::f64);
  expect_close(ops::var(x, 1), Tensor::from({1, 1}, DType::f64), Tol::f64());              // (1 + 0 + 1) / 2
  expect_close(ops::var(x, 0), Tensor::from({4.5, 4.5, 4.5}, DType::f64), Tol::f64());     // (2.25 + 2.25) / 1
  expect_close(ops::var(x, 1, /*correction=*/0), Tensor::from({2.0 / 3, 2.0 / 3}, DType::f64), Tol::f64());
  expect_close(ops::var(x), Tensor::scalar(3.5, DType::f64), Tol::f64());                  // 17.5 / 5
  expect_close(ops::var(x, Shape{}, 0), Tensor::scalar(17.5 / 6, DType::f64), Tol::f64());
  EXPECT_TRUE(std::isnan(ops::var(Tensor::from({7})).item()));  // one element, correction 1: 0 / 0
}

TEST(Reduce, VarianceOfLargeOffsetsDoesNotCancel) {
  // float32 values 1e4 + {0, 1, 2}: E[x^2] - E[x]^2 would lose every digit; two passes give 1.
  EXPECT_DOUBLE_EQ(ops::var(Tensor::from({10000, 10001, 10002})).item(), 1.0);
}

TEST(Reduce, MaxMinAndArgmaxByHand) {
  const Tensor x = Tensor::from({{1, 5, 3}, {4, 2, 6}});
  expect_equal(ops::max(x), Tensor::scalar(6));
  expect_equal(ops::min(x), Tensor::scalar(1));
  expect_equal(ops::max(x, 0), Tensor::from({4, 5, 6}));
  expect_equal(ops::max(x, 1), Tensor::from({5, 6}));
  expect_equal(ops::min(x, -1), Tensor::from({1, 2}));
  expect_equal(ops::argmax(x), int64s({5}, {}));  // flat index of 6
  expect_equal(ops::argmin(x), int64s({0}, {}));
  expect_equal(ops::argmax(x, 1), int64s({1, 2}, {2}));
  expect_equal(ops::argmin(x, 0), int64s({0, 1, 0}, {3}));
  expect_equal(ops::argmax(x, 0, /*keepdim=*/true), int64s({1, 0, 1}, {1, 3}));
  const Tensor r = ramp();
  expect_equal(ops::max(r, {0, 2}), Tensor::from({15, 19, 23}));  // 12 + 4j + 3
  expect_equal(ops::min(r, 1), Tensor::from({{0, 1, 2, 3}, {12, 13, 14, 15}}));
}

TEST(Reduce, TiesGoToTheFirstPositionForValuesAndGradients) {
  const Tensor x = Tensor::from({{1, 3, 3}, {2, 2, 0}}, DType::f64).requires_grad_();
  expect_equal(ops::argmax(x, 1), int64s({1, 0}, {2}));
  ops::sum(ops::max(x, 1)).backward();
  expect_equal(x.grad(), Tensor::from({{0, 1, 0}, {1, 0, 0}}, DType::f64));
}

TEST(Reduce, NaNIsTheExtremum) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor x = Tensor::from({1, nan, 3, nan});
  EXPECT_TRUE(std::isnan(ops::max(x).item()));
  EXPECT_TRUE(std::isnan(ops::min(x).item()));
  EXPECT_EQ(ops::argmax(x).item(), 1);  // the first NaN
}

TEST(Reduce, GradientsByHand) {
  const Tensor x = Tensor::from({{1, 2, 3}, {4, 5, 6}}, DType::f64).requires_grad_();
  ops::sum(ops::mean(x, 1)).backward();  // each element weighs 1/3 in its row's mean
  expect_close(x.grad(), Tensor::full({2, 3}, 1.0 / 3, DType::f64), Tol::f64());
  x.zero_grad();
  ops::sum(ops::var(x, 1)).backward();  // 2 (x - mean) / (3 - 1) = x - mean
  expect_close(x.grad(), Tensor::from({{-1, 0, 1}, {-1, 0, 1}}, DType::f64), Tol::f64());
  x.zero_grad();
  ops::min(x).backward();
  expect_equal(x.grad(), Tensor::from({{1, 0, 0}, {0, 0, 0}}, DType::f64));
}

TEST(Reduce, GradientsMatchCentralDifferences) {
  Rng rng(21);
  const Tensor x = grad_input({3, 4, 5}, rng);
  for (const Shape& dims : {Shape{0}, Shape{1}, Shape{2}, Shape{0, 2}, Shape{-1, -2}, Shape{}}) {
    SCOPED_TRACE("dims " + dims.to_string());
    EXPECT_GRADCHECK([dims](const auto& in) { return ops::sum(in[0], dims); }, {x});
    EXPECT_GRADCHECK([dims](const auto& in) { return ops::mean(in[0], dims, true); }, {x});
    EXPECT_GRADCHECK([dims](const auto& in) { return ops::var(in[0], dims); }, {x});
    EXPECT_GRADCHECK([dims](const auto& in) { return ops::var(in[0], dims, 0, true); }, {x});
    EXPECT_GRADCHECK([dims](const auto& in) { return ops::max(in[0], dims); }, {x});
    EXPECT_GRADCHECK([dims](const auto& in) { return ops::min(in[0], dims, true); }, {x});
  }
}

TEST(Reduce, NonContiguousInputsTakeTheGatherPath) {
  Rng rng(22);
  const Tensor base = randn({4, 5, 6}, rng, DType::f64);
  const Tensor x = view::permute(base, {2, 0, 1});  // (6, 4, 5), strided
  const Tensor dense = contiguous(x);
  ASSERT_FALSE(x.is_contiguous());
  for (const Shape& dims : {Shape{0}, Shape{1}, Shape{2}, Shape{0, 2}, Shape{}}) {
    SCOPED_TRACE("dims " + dims.to_string());
    expect_close(ops::sum(x, dims), ops::sum(dense, dims), Tol::f64());
    expect_close(ops::var(x, dims), ops::var(dense, dims), Tol::f64());
    expect_equal(ops::max(x, dims), ops::max(dense, dims));
  }
  expect_equal(ops::argmin(x, 1), ops::argmin(dense, 1));
  const Tensor strided = non_contiguous(grad_input({3, 4, 5}, rng));
  EXPECT_GRADCHECK([](const auto& in) { return ops::var(in[0], {0, 2}); }, {strided});
}

TEST(Reduce, LongFloat32SumsAccumulateInFloat64) {
  // 10^6 copies of 0.1f: a float32 running sum drifts by about 1%; float64 partials do not.
  const Tensor x = Tensor::full({1000, 1000}, 0.1);
  EXPECT_NEAR(ops::sum(x).item(), 1e6 * static_cast<double>(0.1f), 0.1);
  expect_close(ops::sum(x, 0), Tensor::full({1000}, 1000 * static_cast<double>(0.1f)), Tol::f32());
  expect_close(ops::mean(x, 1), Tensor::full({1000}, 0.1), Tol::f32());
}

TEST(Reduce, EmptyTensors) {
  const Tensor x = Tensor::zeros({0, 3});
  expect_equal(ops::sum(x, 0), Tensor::zeros({3}));  // an empty sum is 0
  EXPECT_TRUE(std::isnan(ops::mean(x).item()));      // 0 / 0
  EXPECT_EQ(ops::max(x, 1).shape(), Shape({0}));     // nothing kept, nothing reduced
  expect_throw_with<ShapeError>([&] { ops::max(x, 0); }, "max: cannot reduce over an empty dim, got input [0, 3]");
  expect_throw_with<ShapeError>([&] { ops::argmin(x); }, "argmin: cannot reduce over an empty dim");
}

TEST(Reduce, ArgmaxRecordsNoGraph) {
  const Tensor x = Tensor::from({1, 2}).requires_grad_();
  EXPECT_FALSE(ops::argmax(x).requires_grad());
  EXPECT_EQ(ops::argmax(x).dtype(), DType::i64);
  EXPECT_TRUE(ops::max(x).requires_grad());
}

TEST(Reduce, RejectsBadDimsAndDTypes) {
  const Tensor x = Tensor::zeros({2, 3});
  expect_throw_with<ShapeError>([&] { ops::sum(x, 3); },
                                "sum: dim 3 is out of range for a tensor of rank 2 (expected -2..1)");
  expect_throw_with<ShapeError>([&] { ops::mean(x, {0, -3}); }, "mean: dim -3 is out of range");
  expect_throw_with<ShapeError>([&] { ops::var(x, {1, -1}); }, "var: dim -1 appears more than once in dims [1, -1]");
  expect_throw_with<ShapeError>([&] { ops::max(x, 2); }, "max: dim 2 is out of range");
  expect_throw_with<ShapeError>([&] { ops::argmax(x, -3); }, "argmax: dim -3 is out of range");
  expect_throw_with<DTypeError>([] { ops::sum(Tensor::zeros({2}, DType::i64)); },
                                "sum: expected float32 or float64, got int64");
  expect_throw_with<ValueError>([&] { ops::var(x, 0, -1); }, "var: correction must be >= 0, got -1");
}

}  // namespace nnlab
