#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "nnlab/core/check.h"
#include "nnlab/ops/math.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {

using testing::grad_input;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using testing::grad_of;

}  // namespace

TEST(Math, ValuesByHand) {
  const Tol tol = Tol::f32();
  expect_close(ops::exp(Tensor::from({0, 1, -1})), Tensor::from({1, std::numbers::e, 1 / std::numbers::e}), tol);
  expect_close(ops::log(Tensor::from({1, std::numbers::e, 0.5})), Tensor::from({0, 1, -std::numbers::ln2}), tol);
  expect_equal(ops::sqrt(Tensor::from({4, 0, 2.25})), Tensor::from({2, 0, 1.5}));
  expect_equal(ops::square(Tensor::from({-3, 0.5})), Tensor::from({9, 0.25}));
  expect_equal(ops::reciprocal(Tensor::from({2, -4})), Tensor::from({0.5, -0.25}));
  expect_equal(ops::abs(Tensor::from({-2, 0, 3})), Tensor::from({2, 0, 3}));
  expect_equal(ops::sign(Tensor::from({-2, 0, 3})), Tensor::from({-1, 0, 1}));
  expect_close(ops::pow(Tensor::from({2, 3}), 3), Tensor::from({8, 27}), tol);
  expect_close(ops::pow(Tensor::from({4, 9}), 0.5), Tensor::from({2, 3}), tol);
  expect_equal(ops::pow(Tensor::from({-3, 1.5}), 2), Tensor::from({9, 2.25}));
  // sin and cos at 0, π/2, π/6 (sin = 1/2) and π/3 (cos = 1/2)
  const double pi = std::numbers::pi;
  expect_close(ops::sin(Tensor::from({0, pi / 2, pi / 6}, DType::f64)), Tensor::from({0, 1, 0.5}, DType::f64),
               Tol::f64());
  expect_close(ops::cos(Tensor::from({0, pi / 2, pi / 3}, DType::f64)), Tensor::from({1, 0, 0.5}, DType::f64),
               Tol::f64());
}

TEST(Math, ClampByHand) {
  const Tensor x = Tensor::from({-2, 0.5, 3});
  expect_equal(ops::clamp(x, 0.0, 1.0), Tensor::from({0, 0.5, 1}));
  expect_equal(ops::clamp(x, 0.0), Tensor::from({0, 0.5, 3}));                // no max
  expect_equal(ops::clamp(x, std::nullopt, 1.0), Tensor::from({-2, 0.5, 1}));  // no min
  expect_equal(ops::clamp(x, 0.5, 0.5), Tensor::from({0.5, 0.5, 0.5}));       // min == max is allowed
}

TEST(Math, PowOfTwoTensorsBroadcasts) {
  const Tensor base = Tensor::from_doubles({2, 3}, {2, 1});  // a column
  const Tensor exponent = Tensor::from({1, 2});  // (2)
  expect_close(ops::pow(base, exponent), Tensor::from({{2, 4}, {3, 9}}), Tol::f32());
}

TEST(Math, SpecialValuesFollowTorch) {
  expect_equal(ops::log(Tensor::from({0, -1})), Tensor::from({-kInf, kNaN}));
  expect_equal(ops::sqrt(Tensor::from({-1})), Tensor::from({kNaN}));
  expect_equal(ops::exp(Tensor::from({-kInf, kInf, 100, -200})), Tensor::from({0, kInf, kInf, 0}));  // float32
  expect_equal(ops::exp(Tensor::from({100}, DType::f64)), Tensor::from({std::exp(100.0)}, DType::f64));
  expect_equal(ops::clamp(Tensor::from({kNaN, 5}), 0.0, 1.0), Tensor::from({kNaN, 1}));  // NaN passes through
  expect_equal(ops::sign(Tensor::from({kNaN})), Tensor::from({0}));                     // as torch.sign
  expect_equal(ops::reciprocal(Tensor::from({0})), Tensor::from({kInf}));
}

TEST(Math, EmptyAndRankZeroTensors) {
  EXPECT_EQ(ops::exp(Tensor::zeros({0, 3})).shape(), (Shape{0, 3}));
  const Tensor x = Tensor::scalar(4.0, DType::f64).requires_grad_();
  const Tensor y = ops::sqrt(x);
  EXPECT_EQ(y.item(), 2.0);
  y.backward();
  EXPECT_EQ(x.grad().item(), 0.25);  // 1 / (2 · 2)
}

TEST(Math, GradientsByHand) {
  // exp: e^x; log: 1/x; sqrt: 1/(2·sqrt x); square: 2x; reciprocal: -1/x².
  expect_close(grad_of([](const Tensor& x) { return ops::exp(x); }, {0, 1}),
               Tensor::from({1, std::numbers::e}, DType::f64), Tol::f64());
  expect_close(grad_of([](const Tensor& x) { return ops::log(x); }, {2, 0.5}), Tensor::from({0.5, 2}, DType::f64),
               Tol::f64());
  expect_close(grad_of([](const Tensor& x) { return ops::sqrt(x); }, {4, 0.25}), Tensor::from({0.25, 1}, DType::f64),
               Tol::f64());
  expect_close(grad_of([](const Tensor& x) { return ops::square(x); }, {-3, 0.5}), Tensor::from({-6, 1}, DType::f64),
               Tol::f64());
  expect_close(grad_of([](const Tensor& x) { return ops::reciprocal(x); }, {2, -0.5}),
               Tensor::from({-0.25, -4}, DType::f64), Tol::f64());
  // sin: cos x; cos: -sin x.
  expect_close(grad_of([](const Tensor& x) { return ops::sin(x); }, {0, std::numbers::pi / 3}),
               Tensor::from({1, 0.5}, DType::f64), Tol::f64());
  expect_close(grad_of([](const Tensor& x) { return ops::cos(x); }, {0, std::numbers::pi / 6}),
               Tensor::from({0, -0.5}, DType::f64), Tol::f64());
  // pow(x, 3): 3x²
  expect_close(grad_of([](const Tensor& x) { return ops::pow(x, 3); }, {2, -1}), Tensor::from({12, 3}, DType::f64),
               Tol::f64());
}

TEST(Math, GradientsAtKinksFollowTorch) {
  // abs'(0) = 0 (sign), sign' = 0 everywhere, clamp' = 1 on the closed interval [min, max].
  expect_equal(grad_of([](const Tensor& x) { return ops::abs(x); }, {-2, 0, 3}), Tensor::from({-1, 0, 1}, DType::f64));
  expect_equal(grad_of([](const Tensor& x) { return ops::sign(x); }, {-2, 0, 3}), Tensor::from({0, 0, 0}, DType::f64));
  expect_equal(grad_of([](const Tensor& x) { return ops::clamp(x, 0.0, 1.0); }, {-1, 0, 0.5, 1, 2}),
               Tensor::from({0, 1, 1, 1, 0}, DType::f64));
  expect_equal(grad_of([](const Tensor& x) { return ops::clamp(x, std::nullopt, 1.0); }, {-5, 2}),
               Tensor::from({1, 0}, DType::f64));
  // pow(x, 0) is 1 everywhere: gradient 0, also at x = 0 where 0 · 0^-1 would be NaN.
  expect_equal(grad_of([](const Tensor& x) { return ops::pow(x, 0); }, {0, 2}), Tensor::from({0, 0}, DType::f64));
}

TEST(Math, PowTensorGradientsByHand) {
  const Tensor base = Tensor::from({2, 0, 3}, DType::f64).requires_grad_();
  const Tensor exponent = Tensor::from({3, 2, 0}, DType::f64).requires_grad_();
  ops::pow(base, exponent).backward(Tensor::ones({3}, DType::f64));
  // dbase = e · b^(e-1): 3·4, 2·0, and 0 for e = 0.
  expect_close(base.grad(), Tensor::from({12, 0, 0}, DType::f64), Tol::f64());
  // dexp = b^e · ln b: 8 ln 2, 0 (the limit at b = 0), 1 · ln 3.
  expect_close(exponent.grad(), Tensor::from({8 * std::numbers::ln2, 0, std::log(3.0)}, DType::f64), Tol::f64());
}

TEST(Math, PowTensorGradientsSumOverBroadcastDims) {
  Rng rng(21);
  const Tensor base = uniform({2, 3, 4}, 0.5, 2.0, rng, DType::f64).requires_grad_();
  const Tensor col = uniform({3, 1}, 0.5, 2.0, rng, DType::f64).requires_grad_();
  EXPECT_GRADCHECK([](const auto& in) { return ops::pow(in[0], in[1]); }, {base, col});
  EXPECT_GRADCHECK([](const auto& in) { return ops::pow(in[1], in[0]); }, {base, col});
}

TEST(Math, ClampGradientsWithOneBound) {
  Rng rng(22);
  const Tensor x = grad_input({4, 5}, rng, 0.1);  // |x| >= 0.1: away from the bound at 0
  EXPECT_GRADCHECK([](const auto& in) { return ops::clamp(in[0], 0.0); }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::clamp(in[0], std::nullopt, 0.0); }, {x});
}

TEST(Math, RejectsBadInputs) {
  expect_throw_with<DTypeError>([] { ops::log(Tensor::zeros({2}, DType::i64)); },
                                "log: expected float32 or float64, got int64");
  expect_throw_with<DTypeError>([] { ops::pow(Tensor::zeros({2}, DType::i64), 2.0); },
                                "pow: expected float32 or float64, got int64");
  expect_throw_with<DTypeError>([] { ops::sin(Tensor::zeros({2}, DType::i64)); },
                                "sin: expected float32 or float64, got int64");
  expect_throw_with<ValueError>([] { ops::clamp(Tensor::zeros({2}), 2.0, 1.0); },
                                "clamp: min (2) must not exceed max (1)");
  expect_throw_with<ValueError>([] { ops::clamp(Tensor::zeros({2})); },
                                "clamp: expected at least one of min and max, got neither");
  expect_throw_with<ValueError>([] { ops::clamp(Tensor::zeros({2}), kNaN, 1.0); },
                                "clamp: expected bounds that are numbers, got min nan and max 1");
  expect_throw_with<ShapeError>([] { ops::pow(Tensor::zeros({2, 3}), Tensor::zeros({4})); },
                                "pow: shapes [2, 3] and [4] cannot be broadcast");
  expect_throw_with<DTypeError>([] { ops::pow(Tensor::zeros({2}), Tensor::zeros({2}, DType::f64)); },
                                "pow: both tensors must have one dtype, got float32 and float64");
}

}  // namespace nnlab
