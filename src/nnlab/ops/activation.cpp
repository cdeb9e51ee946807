// Activation functions. All share ops/unary's recipe; their derivative formulas are repeated
// here as a summary and live beside the forward formulas in kernels/cpu/unary.cpp.
#include "nnlab/ops/activation.h"

#include "nnlab/core/check.h"
#include "nnlab/kernels/unary.h"
#include "nnlab/ops/unary.h"

namespace nnlab::ops {

using kernels::UnaryOp;

Tensor tanh(const Tensor& x) { return detail::unary(UnaryOp::tanh, x); }        // dx = dy (1 - y²)
Tensor sigmoid(const Tensor& x) { return detail::unary(UnaryOp::sigmoid, x); }  // dx = dy · y (1 - y)
Tensor relu(const Tensor& x) { return detail::unary(UnaryOp::relu, x); }        // dx = dy where y > 0, else 0

// dx = dy for x > 0, dy · negative_slope otherwise.
Tensor leaky_relu(const Tensor& x, double negative_slope) {
  return detail::unary(UnaryOp::leaky_relu, x, {.negative_slope = negative_slope});
}

// dx = dy for x > 0, dy · alpha · e^x otherwise.
Tensor elu(const Tensor& x, double alpha) { return detail::unary(UnaryOp::elu, x, {.alpha = alpha}); }

// none: dx = dy (Φ(x) + x φ(x)).  tanh: y = x σ(2u), dx = dy (σ + 2x σ (1 - σ) u').
Tensor gelu(const Tensor& x, GeluApproximate approximate) {
  return detail::unary(approximate == GeluApproximate::tanh ? UnaryOp::gelu_tanh : UnaryOp::gelu, x);
}

// dx = dy · σ(beta x), and dy where beta x > threshold.
Tensor softplus(const Tensor& x, double beta, double threshold) {
  NNLAB_CHECK(beta != 0.0, ValueError, "softplus: expected a non-zero beta, got {}", beta);
  return detail::unary(UnaryOp::softplus, x, {.beta = beta, .threshold = threshold});
}

// One fused op rather than x - square(x): one pass and one saved tensor on the training hot path.
Tensor quadratic(const Tensor& x) { return detail::unary(UnaryOp::quadratic, x); }  // dx = dy (1 - 2x)

}  // namespace nnlab::ops
