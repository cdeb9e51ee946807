#pragma once
// Batch normalisation over dim 1, semantics of torch.nn.functional.batch_norm.
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// x (N, C), (N, C, L) or (N, C, H, W, ...) -> y of x's shape, normalised per channel c (dim 1):
//   y = (x - mean[c]) / sqrt(var[c] + eps) * weight[c] + bias[c]
// training: mean and the biased var are the batch statistics over every dim but 1; the defined
//   running_mean / running_var (C) are updated in place (outside autograd) as
//   running = (1 - momentum) * running + momentum * batch, with the UNBIASED batch variance.
// eval (!training): mean and var are running_mean and running_var, which must then be defined.
// weight and bias (C) are optional (undefined Tensor for none). All tensors share x's dtype.
// Gradients flow to x, weight and bias (a fused backward); never to the running statistics.
// Throws ShapeError for rank < 2 or per-channel tensors not of shape (C), ValueError when
// training with one value per channel or evaluating without running statistics.
// https://pytorch.org/docs/stable/generated/torch.nn.functional.batch_norm.html
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

}  // namespace nnlab::ops
