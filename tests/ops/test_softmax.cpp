#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/error.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/ops/softmax.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {

using testing::grad_input;
using testing::non_contiguous;

namespace {

// Elementwise natural log of a float64 tensor, computed outside the library.
Tensor log_of(const Tensor& t) {
  std::vector<double> values = t.to_vector<double>();
  for (double& v : values) v = std::log(v);
  return Tensor::from_doubles(values, t.shape(), DType::f64);
}

}  // namespace

TEST(Softmax, ValuesByHand) {
  // exp(0) : exp(ln 3) = 1 : 3, so the probabilities are 1/4 and 3/4.
  const Tensor x = Tensor::from({{0.0, std::log(3.0)}, {5.0, 5.0}}, DType::f64);
  expect_close(ops::softmax(x, 1), Tensor::from({{0.25, 0.75}, {0.5, 0.5}}, DType::f64), Tol::f64());
  expect_close(ops::log_softmax(x, -1),
               Tensor::from({{std::log(0.25), std::log(0.75)}, {std::log(0.5), std::log(0.5)}}, DType::f64),
               Tol::f64());
  // Along dim 0: column 0 holds 0 and 5, column 1 ln 3 and 5.
  const double e5 = std::exp(5.0);
  const Tensor by_column = Tensor::from({{1 / (1 + e5), 3 / (3 + e5)}, {e5 / (1 + e5), e5 / (3 + e5)}}, DType::f64);
  expect_close(ops::softmax(x, 0), by_column, Tol::f64());
}

TEST(Softmax, SumsToOneAlongEveryDim) {
  Rng rng(31);
  const Tensor x = randn({3, 4, 5}, rng, DType::f64);
  for (int dim = -3; dim < 3; ++dim) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    const Tensor p = ops::softmax(x, dim);
    expect_close(ops::sum(p, dim), Tensor::ones(ops::sum(x, dim).shape(), DType::f64), Tol::f64());
    expect_close(ops::log_softmax(x, dim), log_of(p), Tol::f64());
  }
}

TEST(Softmax, LargeLogitsStayFinite) {
  // exp(1000) overflows float32 and float64 alike; subtracting the row max first keeps it exact.
  const Tensor x = Tensor::from({{1000, 1000 + std::log(3.0f)}, {-1000, 0}});
  expect_close(ops::softmax(x, 1), Tensor::from({{0.25, 0.75}, {0, 1}}), Tol::f32());
  expect_close(ops::log_softmax(x, 1), Tensor::from({{std::log(0.25), std::log(0.75)}, {-1000, 0}}), Tol::f32());
  // A 1000-class row with logits spread over [-1000, 1000]: float32 matches float64.
  Rng rng(32);
  const Tensor wide = uniform({4, 1000}, -1000, 1000, rng, DType::f64);
  expect_close(ops::log_softmax(to_dtype(wide, DType::f32), 1), ops::log_softmax(wide, 1), {1e-3, 1e-6});
  expect_close(ops::softmax(to_dtype(wide, DType::f32), 1), ops::softmax(wide, 1), {1e-6, 1e-4});
}

TEST(Softmax, GradientByHand) {
  // d softmax_i / d x_j = p_i (δij - p_j); with p = (1/4, 3/4) and upstream (1, 0): (3/16, -3/16).
  const Tensor x = Tensor::from({{0.0, std::log(3.0)}}, DType::f64).requires_grad_();
  ops::softmax(x, 1).backward(Tensor::from({{1.0, 0.0}}, DType::f64));
  expect_close(x.grad(), Tensor::from({{3.0 / 16, -3.0 / 16}}, DType::f64), Tol::f64());
  x.zero_grad();
  // d log_softmax_i / d x_j = δij - p_j; upstream (1, 0): (1 - 1/4, -3/4).
  ops::log_softmax(x, 1).backward(Tensor::from({{1.0, 0.0}}, DType::f64));
  expect_close(x.grad(), Tensor::from({{0.75, -0.75}}, DType::f64), Tol::f64());
}

TEST(Softmax, GradientsMatchCentralDifferences) {
  Rng rng(33);
  const Tensor x = grad_input({3, 4, 5}, rng);
  const Tensor strided = non_contiguous(grad_input({4, 6}, rng));
  for (int dim : {0, 1, 2, -1}) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    EXPECT_GRADCHECK([dim](const auto& in) { return ops::softmax(in[0], dim); }, {x});
    EXPECT_GRADCHECK([dim](const auto& in) { return ops::log_softmax(in[0], dim); }, {x});
  }
  EXPECT_GRADCHECK([](const auto& in) { return ops::softmax(in[0], 0); }, {strided});
  EXPECT_GRADCHECK([](const auto& in) { return ops::log_softmax(in[0], 1); }, {strided});
}

TEST(Softmax, ManyRowsAndWideColumnsUseEveryPath) {
  // 512 rows of 300 (threads), and softmax over dim 0 of a (7, 600) tensor (tiles of columns).
  Rng rng(34);
  for (const Shape& shape : {Shape{512, 300}, Shape{7, 600}, Shape{3, 5, 700}}) {
    const Tensor x = randn(shape, rng, DType::f64);
    for (int dim = 0; dim < shape.rank(); ++dim) {
      SCOPED_TRACE(shape.to_string() + " dim " + std::to_string(dim));
      expect_close(ops::sum(ops::softmax(x, dim), dim), Tensor::ones(ops::sum(x, dim).shape(), DType::f64),
                   Tol::f64());
      expect_close(ops::softmax(to_dtype(x, DType::f32), dim), ops::softmax(x, dim), Tol::f32());
    }
  }
}

TEST(Softmax, ScalarAndEmptyInputs) {
  expect_equal(ops::softmax(Tensor::scalar(3.0), 0), Tensor::scalar(1.0));
  expect_equal(ops::log_softmax(Tensor::scalar(3.0), -1), Tensor::scalar(0.0));
  EXPECT_EQ(ops::softmax(Tensor::zeros({0, 4}), 1).shape(), Shape({0, 4}));
}

TEST(Softmax, RejectsBadDimsAndDTypes) {
  expect_throw_with<ShapeError>([] { ops::softmax(Tensor::zeros({2, 3}), 2); },
                                "softmax: dim 2 is out of range for a tensor of rank 2 (expected -2..1)");
  expect_throw_with<ShapeError>([] { ops::log_softmax(Tensor::zeros({2, 3}), -3); },
                                "log_softmax: dim -3 is out of range");
  expect_throw_with<DTypeError>([] { ops::softmax(Tensor::zeros({2}, DType::i64), 0); },
                                "softmax: expected float32 or float64, got int64");
}

}  // namespace nnlab
