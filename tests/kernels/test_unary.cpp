// The unary kernels against a reference written straight from each op's definition in double
// (<cmath> only), on a dense grid over [-12, 12] and at special values, in both dtypes and
// both directions. Sizes above the threading grain check the split across threads too.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "nnlab/kernels/unary.h"

namespace nnlab::kernels {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const UnaryParams kParams = {.exponent = 2.5,
                             .min = -0.5,
                             .max = 0.8,
                             .negative_slope = 0.2,
                             .alpha = 0.7,
                             .beta = 2.0,
                             .threshold = 1.0,
                             .scalar = 1.5};

double sign_of(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }
double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi); }
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double gelu_tanh_inner(double x) { return std::sqrt(2 / std::numbers::pi) * (x + 0.044715 * x * x * x); }

// f(x), the definitions.
double reference_forward(UnaryOp op, const UnaryParams& p, double x) {
  switch (op) {
    case UnaryOp::exp: return std::exp(x);
    case UnaryOp::log: return std::log(x);
    case UnaryOp::sqrt: return std::sqrt(x);
    case UnaryOp::pow: return std::pow(x, p.exponent);
    case UnaryOp::abs: return std::abs(x);
    case UnaryOp::sign: return sign_of(x);
    case UnaryOp::clamp: return std::isnan(x) ? x : std::min(std::max(x, p.min), p.max);
    case UnaryOp::square: return x * x;
    case UnaryOp::reciprocal: return 1 / x;
    case UnaryOp::neg: return -x;
    case UnaryOp::sin: return std::sin(x);
    case UnaryOp::cos: return std::cos(x);
    case UnaryOp::tanh: return std::tanh(x);
    case UnaryOp::sigmoid: return sigmoid(x);
    case UnaryOp::relu: return x < 0 ? 0 : x;
    case UnaryOp::leaky_relu: return x > 0 ? x : p.negative_slope * x;
    case UnaryOp::elu: return x > 0 ? x : p.alpha * std::expm1(x);
    case UnaryOp::gelu: return x * normal_cdf(x);
    // x/2 (1 + tanh u) as x σ(2u), the same function: 1 + tanh u cancels to 0 in double for x < -5.
    case UnaryOp::gelu_tanh: return x * sigmoid(2 * gelu_tanh_inner(x));
    case UnaryOp::softplus: return p.beta * x > p.threshold ? x : std::log1p(std::exp(p.beta * x)) / p.beta;
    case UnaryOp::quadratic: return x * (1 - x);
    case UnaryOp::add_scalar: return x + p.scalar;
    case UnaryOp::sub_scalar: return x - p.scalar;
    case UnaryOp::rsub_scalar: return p.scalar - x;
    case UnaryOp::mul_scalar: return x * p.scalar;
    case UnaryOp::div_scalar: return x / p.scalar;
    case UnaryOp::rdiv_scalar: return p.scalar / x;
  }
  return kNaN;
}

// f'(x), the derivatives.
double reference_derivative(UnaryOp op, const UnaryParams& p, double x) {
  switch (op) {
    case UnaryOp::exp: return std::exp(x);
    case UnaryOp::log: return 1 / x;
    case UnaryOp::sqrt: return 0.5 / std::sqrt(x);
    case UnaryOp::pow: return p.exponent * std::pow(x, p.exponent - 1);
    case UnaryOp::abs: return sign_of(x);
    case UnaryOp::sign: return 0;
    case UnaryOp::clamp: return x >= p.min && x <= p.max ? 1 : 0;
    case UnaryOp::square: return 2 * x;
    case UnaryOp::reciprocal: return -1 / (x * x);
    case UnaryOp::neg: return -1;
    case UnaryOp::sin: return std::cos(x);
    case UnaryOp::cos: return -std::sin(x);
    case UnaryOp::tanh: return 1 - std::tanh(x) * std::tanh(x);
    case UnaryOp::sigmoid: return sigmoid(x) * (1 - sigmoid(x));
    case UnaryOp::relu: return x > 0 ? 1 : 0;
    case UnaryOp::leaky_relu: return x > 0 ? 1 : p.negative_slope;
    case UnaryOp::elu: return x > 0 ? 1 : p.alpha * std::exp(x);
    case UnaryOp::gelu: return normal_cdf(x) + x * normal_pdf(x);
    case UnaryOp::gelu_tanh: {
      const double t = std::tanh(gelu_tanh_inner(x));
      const double du = std::sqrt(2 / std::numbers::pi) * (1 + 3 * 0.044715 * x * x);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
    }
    case UnaryOp::softplus: return p.beta * x > p.threshold ? 1 : sigmoid(p.beta * x);
    case UnaryOp::quadratic: return 1 - 2 * x;
    case UnaryOp::add_scalar:
    case UnaryOp::sub_scalar: return 1;
    case UnaryOp::rsub_scalar: return -1;
    case UnaryOp::mul_scalar: return p.scalar;
    case UnaryOp::div_scalar: return 1 / p.scalar;
    case UnaryOp::rdiv_scalar: return -p.scalar / (x * x);
  }
  return kNaN;
}

const std::vector<UnaryOp> kAllOps = {
    UnaryOp::exp,         UnaryOp::log,        UnaryOp::sqrt,       UnaryOp::pow,         UnaryOp::abs,
    UnaryOp::sign,        UnaryOp::clamp,      UnaryOp::square,     UnaryOp::reciprocal,  UnaryOp::neg,
    UnaryOp::tanh,        UnaryOp::sigmoid,    UnaryOp::relu,       UnaryOp::leaky_relu,  UnaryOp::elu,
    UnaryOp::gelu,        UnaryOp::gelu_tanh,  UnaryOp::softplus,   UnaryOp::add_scalar,  UnaryOp::sub_scalar,
    UnaryOp::rsub_scalar, UnaryOp::mul_scalar, UnaryOp::div_scalar, UnaryOp::rdiv_scalar, UnaryOp::sin,
    UnaryOp::cos,         UnaryOp::quadratic,
};

// unary_name, made unique where two ops share their PyTorch name.
std::string test_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::gelu_tanh: return "gelu_tanh";
    case UnaryOp::add_scalar: return "add_scalar";
    case UnaryOp::sub_scalar: return "sub_scalar";
    case UnaryOp::rsub_scalar: return "rsub_scalar";
    case UnaryOp::mul_scalar: return "mul_scalar";
    case UnaryOp::div_scalar: return "div_scalar";
    case UnaryOp::rdiv_scalar: return "rdiv_scalar";
    default: return std::string(unary_name(op));
  }
}

// A grid over [-12, 12] (with exact 0 and ±1), then the special values; 2^16 + 8 elements, so
// that both threads of parallel_for get some.
std::vector<double> inputs() {
  std::vector<double> x;
  const std::int64_t n = std::int64_t{1} << 16;
  for (std::int64_t i = 0; i <= n; ++i) x.push_back(-12.0 + 24.0 * static_cast<double>(i) / static_cast<double>(n));
  for (double v : {0.0, -0.0, kInf, -kInf, kNaN, 100.0, -100.0}) x.push_back(v);
  return x;
}

bool close(double actual, double expected, double atol, double rtol) {
  if (std::isnan(expected)) return std::isnan(actual);
  if (std::isinf(expected)) return actual == expected;
  return std::abs(actual - expected) <= atol + rtol * std::abs(expected);
}

struct Tolerance {
  double atol, rtol;
};

// Runs op forward, then backward with dy = 1 from the tensor the op saves, in dtype T; checks
// both against the references. Infinite inputs are skipped for derivatives (their limits
// differ between formulas that are equal everywhere else).
template <typename T>
void check_op(UnaryOp op, Tolerance forward_tol, Tolerance backward_tol) {
  const std::vector<double> grid = inputs();
  const std::int64_t n = static_cast<std::int64_t>(grid.size());
  std::vector<T> x(grid.begin(), grid.end()), y(x.size()), ones(x.size(), T(1)), dx(x.size());
  const DType dtype = dtype_of<T>();
  const Shape shape{n}, strides{1};
  unary_forward(op, kParams, ConstView{x.data(), dtype, shape, strides}, MutView{y.data(), dtype, shape, strides});
  const T* saved = unary_saved(op) == UnarySaved::output ? y.data() : x.data();
  unary_backward(op, kParams, ConstView{saved, dtype, shape, strides}, ConstView{ones.data(), dtype, shape, strides},
                 MutView{dx.data(), dtype, shape, strides});
  int failures = 0;
  for (std::int64_t i = 0; i < n && failures < 5; ++i) {
    const double xi = static_cast<double>(x[i]);
    // The reference rounded to T: float32 overflows to inf where float64 does not.
    const double f = static_cast<T>(reference_forward(op, kParams, xi));
    // gelu's tails fall like e^(-x²/2): the rounding of its internal argument (x/√2, or u) in T
    // is amplified about x² times there, in PyTorch's kernels as well.
    const bool gaussian_tail = op == UnaryOp::gelu || op == UnaryOp::gelu_tanh;
    const double rtol = forward_tol.rtol * (gaussian_tail ? 1 + xi * xi : 1);
    if (!close(static_cast<double>(y[i]), f, forward_tol.atol, rtol)) {
      ADD_FAILURE() << unary_name(op) << "(" << xi << ") = " << y[i] << ", expected " << f;
      ++failures;
    }
    const double d = static_cast<T>(reference_derivative(op, kParams, xi));
    if (!std::isinf(xi) && !close(static_cast<double>(dx[i]), d, backward_tol.atol, backward_tol.rtol)) {
      ADD_FAILURE() << unary_name(op) << "'(" << xi << ") = " << dx[i] << ", expected " << d;
      ++failures;
    }
  }
}

class UnaryKernel : public ::testing::TestWithParam<UnaryOp> {};

// float32: within a few ulp of the definition (2^-24 = 6e-8). Derivatives are compared with an
// absolute tolerance too: formulas from a saved float32 output, like y (1 - y) for sigmoid near
// y = 1, carry the output's rounding at the scale of the gradient's terms, as in PyTorch.
TEST_P(UnaryKernel, Float32MatchesTheDefinition) { check_op<float>(GetParam(), {1e-30, 4e-7}, {2e-6, 4e-7}); }

TEST_P(UnaryKernel, Float64MatchesTheDefinition) { check_op<double>(GetParam(), {1e-300, 1e-13}, {1e-12, 1e-12}); }

INSTANTIATE_TEST_SUITE_P(Ops, UnaryKernel, ::testing::ValuesIn(kAllOps),
                         [](const ::testing::TestParamInfo<UnaryOp>& p) { return test_name(p.param); });

TEST(PowKernel, TensorExponentsByHand) {
  // 2^3, 0^2, 3^0, 4^0.5 and their gradients with dy = 1.
  const std::vector<double> base = {2, 0, 3, 4}, exponent = {3, 2, 0, 0.5}, ones(4, 1.0);
  std::vector<double> y(4), dbase(4), dexponent(4);
  const Shape shape{4}, strides{1};
  const auto in = [&](const std::vector<double>& v) { return ConstView{v.data(), DType::f64, shape, strides}; };
  const auto out = [&](std::vector<double>& v) { return MutView{v.data(), DType::f64, shape, strides}; };
  pow_forward(in(base), in(exponent), out(y));
  pow_backward(in(base), in(exponent), in(ones), out(dbase), out(dexponent));
  EXPECT_EQ(y, (std::vector<double>{8, 0, 1, 2}));
  EXPECT_EQ(dbase, (std::vector<double>{12, 0, 0, 0.25}));  // e · b^(e-1); 0 where e = 0
  // b^e · ln b; 0 at b = 0 with e >= 0
  EXPECT_EQ(dexponent, (std::vector<double>{8 * std::log(2.0), 0, std::log(3.0), 2 * std::log(4.0)}));
}

}  // namespace
}  // namespace nnlab::kernels
