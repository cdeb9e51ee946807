#pragma once
// Activation functions with the semantics and defaults of torch.nn.functional. Each takes a
// float32 or float64 tensor of any shape and layout and returns a new contiguous tensor; an
// int64 input throws DTypeError.
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

Tensor tanh(const Tensor& x);
// 1 / (1 + e^-x), computed without overflow for any x (sigmoid(-100) is 3.7e-44, not NaN).
Tensor sigmoid(const Tensor& x);
// max(x, 0). The gradient at exactly 0 is 0, as in PyTorch.
Tensor relu(const Tensor& x);
// x for x > 0, negative_slope · x otherwise.
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
// x for x > 0, alpha · (e^x - 1) otherwise.
Tensor elu(const Tensor& x, double alpha = 1.0);

// torch.nn.functional.gelu's `approximate`: none is x · Φ(x) with the exact normal CDF;
// tanh is x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³))).
enum class GeluApproximate { none, tanh };
Tensor gelu(const Tensor& x, GeluApproximate approximate = GeluApproximate::none);

// log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (torch.nn.functional.softplus).
// Throws ValueError for beta == 0, where torch divides by zero.
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);

// x (1 - x), an activation of nnlab's own (no torch counterpart), for E5: a one-hidden-layer
// network with it computes a quadratic polynomial of its input, so least squares on the
// quadratic features fits it in closed form (analysis/closed_form.h).
Tensor quadratic(const Tensor& x);

}  // namespace nnlab::ops
