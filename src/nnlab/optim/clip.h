#pragma once
// Gradient clipping, torch.nn.utils.clip_grad_norm_ and clip_grad_value_
// (https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_norm_.html).
#include <limits>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::optim {

// Scales every defined gradient by max_norm / (total_norm + 1e-6) when that is below 1, where
// total_norm is the norm_type-norm of all gradients taken together (norm_type may be +inf:
// the largest |g|). Returns total_norm (0 when no parameter has a gradient).
// Throws ValueError for max_norm < 0 or norm_type <= 0.
double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0);

// Clamps every defined gradient into [-clip_value, clip_value]. Throws ValueError for clip_value < 0.
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

}  // namespace nnlab::optim
