#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "nnlab/core/check.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/math.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {

using testing::grad_input;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kLn3 = std::log(3.0);

using testing::grad_of;

Tensor f64(std::initializer_list<double> values) { return Tensor::from(values, DType::f64); }

}  // namespace

TEST(Activation, ValuesByHand) {
  const Tol tol = Tol::f32();
  expect_close(ops::tanh(Tensor::from({0, kLn3, -kLn3})), Tensor::from({0, 0.8, -0.8}), tol);       // (9-1)/(9+1)
  expect_close(ops::sigmoid(Tensor::from({0, kLn3, -kLn3})), Tensor::from({0.5, 0.75, 0.25}), tol);  // 3/(3+1)
  expect_equal(ops::relu(Tensor::from({-1, 0, 2})), Tensor::from({0, 0, 2}));
  expect_close(ops::leaky_relu(Tensor::from({-1, 3})), Tensor::from({-0.01, 3}), tol);  // default slope 0.01
  expect_close(ops::leaky_relu(Tensor::from({-2, 3}), 0.1), Tensor::from({-0.2, 3}), tol);
  // elu(-ln 2) = alpha (1/2 - 1)
  expect_close(ops::elu(Tensor::from({-std::numbers::ln2, 1})), Tensor::from({-0.5, 1}), tol);
  expect_close(ops::elu(Tensor::from({-std::numbers::ln2, 1}), 2.0), Tensor::from({-1, 1}), tol);
  // softplus(0) = ln 2, softplus(ln 3) = ln 4; beta 2: ln(1 + e^(2·ln3/2)) / 2 = ln 4 / 2
  expect_close(ops::softplus(Tensor::from({0, kLn3})), Tensor::from({std::numbers::ln2, 2 * std::numbers::ln2}), tol);
  expect_close(ops::softplus(Tensor::from({kLn3 / 2}), 2.0), Tensor::from({std::numbers::ln2}), tol);
}

TEST(Activation, GeluByHand) {
  // x · Φ(x): Φ(1) = 0.841344746068543, Φ(-1) = 1 - Φ(1), 2 · Φ(2) = 2 · 0.97724986805
  expect_close(ops::gelu(f64({0, 1, -1, 2})), f64({0, 0.841344746068543, -0.15865525393145702, 1.9544997361036416}),
               Tol::f64());
  // x/2 · (1 + tanh(√(2/π) · 1.044715)) = 0.8411919906082768 at x = 1, as torch's approximate='tanh'
  expect_close(ops::gelu(f64({0, 1, -1}), ops::GeluApproximate::tanh),
               f64({0, 0.8411919906082768, -0.15880800939172324}), Tol::f64());
}

TEST(Activation, LargeInputsNeitherOverflowNorGiveNaN) {
  // sigmoid(-100) = e^-100 / (1 + e^-100) = 3.72e-44 in float64; float32 keeps the subnormal 3.78e-44.
  expect_close(ops::sigmoid(f64({100, -100, 1000, -1000})), f64({1, std::exp(-100.0), 1, 0}), Tol::f64());
  expect_close(ops::sigmoid(Tensor::from({100, -100, 1000, -1000})), Tensor::from({1, 3.7835e-44, 1, 0}),
               {1e-48, 1e-4});
  expect_equal(ops::tanh(Tensor::from({100, -100, kInf, -kInf})), Tensor::from({1, -1, 1, -1}));
  // softplus is x above the threshold, e^x far below 0, and never inf below the threshold.
  expect_close(ops::softplus(f64({100, 30, -100})), f64({100, 30, std::exp(-100.0)}), Tol::f64());
  expect_close(ops::softplus(f64({1000}), 1.0, 2000.0), f64({1000}), Tol::f64());
  expect_equal(ops::softplus(Tensor::from({100})), Tensor::from({100}));
  expect_equal(ops::relu(Tensor::from({kNaN, -kInf, kInf})), Tensor::from({kNaN, 0, kInf}));  // NaN passes, as torch
  // Their gradients stay finite: sigmoid'(±100) = y (1 - y) underflows to 0 or e^-100, not NaN.
  expect_close(grad_of([](const Tensor& x) { return ops::sigmoid(x); }, {100, -100, -1000}),
               f64({0, std::exp(-100.0), 0}), {1e-50, 1e-6});
  expect_close(grad_of([](const Tensor& x) { return ops::softplus(x); }, {-1000, 1000}), f64({0, 1}), Tol::f64());
}

TEST(Activation, GradientsByHand) {
  // sigmoid'(0) = 1/4, sigmoid'(ln 3) = 3/4 · 1/4; tanh'(0) = 1, tanh'(ln 3) = 1 - 0.64
  expect_close(grad_of([](const Tensor& x) { return ops::sigmoid(x); }, {0, kLn3}), f64({0.25, 0.1875}), Tol::f64());
  expect_close(grad_of([](const Tensor& x) { return ops::tanh(x); }, {0, kLn3}), f64({1, 0.36}), Tol::f64());
  // gelu'(x) = Φ(x) + x φ(x): 1/2 at 0, 0.8413447 + 0.2419707 at 1
  expect_close(grad_of([](const Tensor& x) { return ops::gelu(x); }, {0, 1}), f64({0.5, 1.0833154705876864}),
               Tol::f64());
  expect_close(grad_of([](const Tensor& x) { return ops::gelu(x, ops::GeluApproximate::tanh); }, {0, 1}),
               f64({0.5, 1.0829640838457826}), Tol::f64());
  // softplus'(x) = sigmoid(beta x): 1/2 at 0, 3/4 at ln 3; 1 above the threshold
  expect_close(grad_of([](const Tensor& x) { return ops::softplus(x); }, {0, kLn3, 30}), f64({0.5, 0.75, 1}),
               Tol::f64());
  // elu'(x) = alpha e^x below 0: 2 · 1/2 at -ln 2
  expect_close(grad_of([](const Tensor& x) { return ops::elu(x, 2.0); }, {-std::numbers::ln2, 3}), f64({1, 1}),
               Tol::f64());
}

TEST(Activation, QuadraticByHand) {
  // x (1 - x): 0 at 0 and 1, 1/4 at 1/2, 2·(-1) at 2, -2·3 at -2
  expect_close(ops::quadratic(f64({0, 1, 0.5, 2, -2})), f64({0, 0, 0.25, -2, -6}), Tol::f64());
  expect_equal(ops::quadratic(Tensor::from({0.5, 3})), Tensor::from({0.25, -6}));  // exact in float32 too
  // the derivative 1 - 2x: 1 at 0, 0 at 1/2, -3 at 2, 5 at -2
  expect_close(grad_of([](const Tensor& x) { return ops::quadratic(x); }, {0, 0.5, 2, -2}), f64({1, 0, -3, 5}),
               Tol::f64());
}

TEST(Activation, QuadraticMatchesItsComposition) {
  // The fused op against x - x² built from ops/arithmetic and ops/math: values and gradients.
  Rng rng(17);
  const Tensor x = grad_input({4, 5}, rng);
  const Tensor weights = randn({4, 5}, rng, DType::f64);
  const Tensor fused = ops::quadratic(x);
  fused.backward(weights);
  const Tensor fused_grad = x.grad();
  const Tensor x2 = clone(x).requires_grad_();
  const Tensor composed = x2 - ops::square(x2);
  composed.backward(weights);
  expect_close(fused, composed, Tol::f64());
  expect_close(fused_grad, x2.grad(), Tol::f64());
  EXPECT_GRADCHECK([](const auto& in) { return ops::quadratic(in[0]); }, {grad_input({3, 4}, rng)});
}

TEST(Activation, GradientsAtZeroFollowPyTorch) {
  // relu'(0) = 0; leaky_relu'(0) = negative_slope and elu'(0) = alpha (0 is on the x <= 0 side).
  expect_equal(grad_of([](const Tensor& x) { return ops::relu(x); }, {-1, 0, 2}), f64({0, 0, 1}));
  expect_equal(grad_of([](const Tensor& x) { return ops::leaky_relu(x, 0.1); }, {-1, 0, 2}), f64({0.1, 0.1, 1}));
  expect_equal(grad_of([](const Tensor& x) { return ops::elu(x, 0.5); }, {0, 2}), f64({0.5, 1}));
}

TEST(Activation, GradientsWithOtherParameters) {
  Rng rng(31);
  const Tensor x = grad_input({4, 5}, rng, 0.1);
  EXPECT_GRADCHECK([](const auto& in) { return ops::leaky_relu(in[0]); }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::leaky_relu(in[0], -0.5); }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::elu(in[0], 2.0); }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::softplus(in[0]); }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::softplus(in[0], 0.5, 5.0); }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::softplus(in[0], -1.0); }, {x});
}

TEST(Activation, SavesADetachedOutputNotTheOutputItself) {
  // Saving y itself would make y own the node that owns y: a cycle that never frees.
  const Tensor x = Tensor::from({-1, 2}).requires_grad_();
  const Tensor y = ops::sigmoid(x);
  EXPECT_EQ(y.impl()->ref_count(), 1);
  EXPECT_EQ(ops::relu(x).impl()->ref_count(), 1);
}

TEST(Activation, RejectsBadInputs) {
  const Tensor labels = Tensor::zeros({2}, DType::i64);
  expect_throw_with<DTypeError>([&] { ops::sigmoid(labels); }, "sigmoid: expected float32 or float64, got int64");
  expect_throw_with<DTypeError>([&] { ops::relu(labels); }, "relu: expected float32 or float64, got int64");
  expect_throw_with<DTypeError>([&] { ops::gelu(labels, ops::GeluApproximate::tanh); },
                                "gelu: expected float32 or float64, got int64");
  expect_throw_with<ValueError>([] { ops::softplus(Tensor::zeros({2}), 0.0); },
                                "softplus: expected a non-zero beta, got 0");
  expect_throw_with<ValueError>([] { ops::tanh(Tensor()); }, "tanh: expected a tensor, got an undefined one");
  expect_throw_with<DTypeError>([&] { ops::quadratic(labels); }, "quadratic: expected float32 or float64, got int64");
}

}  // namespace nnlab
