// Gradient clipping over the gradients of a parameter list, in place.
#include "nnlab/optim/clip.h"

#include <algorithm>
#include <cmath>

#include "nnlab/core/check.h"
#include "nnlab/kernels/optim.h"

namespace nnlab::optim {
namespace {

// The defined gradients, each checked to be a contiguous float32/float64 tensor.
std::vector<Tensor> gradients(const std::vector<Tensor>& params, const char* where) {
  std::vector<Tensor> grads;
  for (const Tensor& p : params) {
    if (!p.defined() || !p.grad().defined()) continue;
    const Tensor g = p.grad();
    NNLAB_CHECK(g.dtype() == DType::f32 || g.dtype() == DType::f64, DTypeError,
                "{}: gradients must be float32 or float64, got {}", where, g.dtype());
    NNLAB_CHECK(g.is_contiguous(), ShapeError, "{}: gradients must be contiguous, got strides {} for shape {}", where,
                g.strides(), g.shape());
    grads.push_back(g);
  }
  return grads;
}

}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type) {
  NNLAB_CHECK(max_norm >= 0, ValueError, "clip_grad_norm_: max_norm must be non-negative, got {}", max_norm);
  NNLAB_CHECK(norm_type > 0, ValueError, "clip_grad_norm_: norm_type must be positive or inf, got {}", norm_type);
  const std::vector<Tensor> grads = gradients(params, "clip_grad_norm_");
  if (grads.empty()) return 0.0;
  const bool inf_norm = std::isinf(norm_type);
  double acc = 0;
  for (const Tensor& g : grads) {
    const double part = kernels::grad_norm_partial(g.dtype(), g.data_ptr(), g.numel(), norm_type);
    acc = inf_norm ? std::max(acc, part) : acc + part;
  }
  const double total_norm = inf_norm ? acc : std::pow(acc, 1.0 / norm_type);
  // 1e-6 keeps the division finite for all-zero gradients, as torch.
  const double clip_coef = max_norm / (total_norm + 1e-6);
  if (clip_coef < 1) {
    for (const Tensor& g : grads) kernels::scale_inplace(g.dtype(), g.data_ptr(), g.numel(), clip_coef);
  }
  return total_norm;
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  NNLAB_CHECK(clip_value >= 0, ValueError, "clip_grad_value_: clip_value must be non-negative, got {}", clip_value);
  for (const Tensor& g : gradients(params, "clip_grad_value_")) {
    kernels::clamp_inplace(g.dtype(), g.data_ptr(), g.numel(), -clip_value, clip_value);
  }
}

}  // namespace nnlab::optim
