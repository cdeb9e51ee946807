#pragma once
// Fused optimiser updates (dispatch: dtype and backend). One call updates every parameter of a
// parameter group in one loop: per element it reads the gradient once, updates the state
// buffers and writes the parameter, with no temporaries. Callers (optim/) have checked that
// every buffer is contiguous, of the group's floating dtype, and `numel` elements long.
#include <cstdint>
#include <span>

#include "nnlab/core/dtype.h"

namespace nnlab::kernels {

// One parameter's buffers. `state` holds up to three per-element buffers, each optimiser's in
// the order its update names them (null where unused). `step` is the parameter's step count
// including this update (1 on its first update).
struct OptimSlot {
  void* param = nullptr;
  const void* grad = nullptr;
  void* state[3] = {nullptr, nullptr, nullptr};
  std::int64_t numel = 0;
  std::int64_t step = 1;
};

// Every update first forms g = grad + weight_decay · w (+ l1 · sign(w) for SGD), as torch.optim.

// SGD, torch.optim.SGD. state[0]: momentum buffer b (when momentum != 0).
//   step 1: b = g;  later: b = momentum · b + (1 - dampening) · g
//   w -= lr · (nesterov ? g + momentum · b : b)     (w -= lr · g without momentum)
struct SgdParams {
  double lr, momentum, dampening, weight_decay, l1;
  bool nesterov;
};
void sgd_step(DType dtype, std::span<const OptimSlot> slots, const SgdParams& p);

// Adam and AdamW, torch.optim.Adam/AdamW. state[0]: m, state[1]: v, state[2]: max v (amsgrad).
//   AdamW first: w *= 1 - lr · weight_decay (and g carries no decay term)
//   m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  v̂ = amsgrad ? (vmax = max(vmax, v)) : v
//   w -= lr / (1 - β1^t) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps)
struct AdamParams {
  double lr, beta1, beta2, eps, weight_decay;
  bool amsgrad, decoupled;
};
void adam_step(DType dtype, std::span<const OptimSlot> slots, const AdamParams& p);

// RMSprop, torch.optim.RMSprop. state[0]: square_avg s, state[1]: momentum buffer b,
// state[2]: grad_avg a (centered).
//   s = α s + (1-α) g²;  centered: a = α a + (1-α) g, d = sqrt(s - a²) + eps, else d = sqrt(s) + eps
//   momentum > 0: b = momentum · b + g / d, w -= lr · b;  else w -= lr · g / d
struct RmspropParams {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered;
};
void rmsprop_step(DType dtype, std::span<const OptimSlot> slots, const RmspropParams& p);

// Adagrad, torch.optim.Adagrad. state[0]: sum of squares s.
//   s += g²;  w -= lr / (1 + (t - 1) · lr_decay) · g / (sqrt(s) + eps)
struct AdagradParams {
  double lr, lr_decay, eps, weight_decay;
};
void adagrad_step(DType dtype, std::span<const OptimSlot> slots, const AdagradParams& p);

// Σ |x|^norm_type over n elements (norm_type > 0), or max |x| when norm_type is +inf; in double.
double grad_norm_partial(DType dtype, const void* x, std::int64_t n, double norm_type);

// Σ x² over n contiguous elements: 16 interleaved partial sums in the elements' type over blocks
// of 1,024 (so the loop vectorises), block sums added in double; large arrays split across the
// threads. The order of additions depends only on n and the thread count. The gradient-norm
// probe runs this on every parameter at every step.
double sum_of_squares(DType dtype, const void* x, std::int64_t n);

// x *= factor, in place.
void scale_inplace(DType dtype, void* x, std::int64_t n, double factor);

// x = min(max(x, lo), hi), in place.
void clamp_inplace(DType dtype, void* x, std::int64_t n, double lo, double hi);

}  // namespace nnlab::kernels
