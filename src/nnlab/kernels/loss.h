#pragma once
// Loss kernels: per-row (class-index losses) or per-element losses, and their gradients.
// Legend: N rows (samples), C classes. Every view is contiguous; input (N, C) is float32 or
// float64, target (N) int64 with values already checked to be in [0, C) or ignore_index.
// A row whose target is ignore_index has loss 0 and a zero gradient.
// Backward kernels read the upstream gradient `dloss` as one value per row / element, or a
// single value for all of them (dloss.numel() == 1), and multiply it by `scale` (1/count for
// a mean). They write every element of their outputs.
#include <cstdint>

#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

// Fused log-softmax + NLL with label smoothing ε, one pass over each row:
//   loss[n] = lse[n] - (1 - ε) x[n, t_n] - (ε / C) sum_c x[n, c],  lse[n] = log sum_c exp(x[n, c]).
// logsumexp (N) is float64 whatever x's dtype: backward reads exp(x - lse), and float32's
// spacing near logits of 1000 (6e-5) would show in it.
void cross_entropy_forward(const ConstView& input, const ConstView& target, std::int64_t ignore_index,
                           double label_smoothing, const MutView& loss, const MutView& logsumexp);
// dx[n, c] = scale * dloss[n] * (exp(x[n, c] - lse[n]) - (1 - ε) [c == t_n] - ε / C)
void cross_entropy_backward(const ConstView& input, const ConstView& target, const ConstView& logsumexp,
                            const ConstView& dloss, double scale, std::int64_t ignore_index, double label_smoothing,
                            const MutView& dinput);

// loss[n] = -x[n, t_n]
void nll_loss_forward(const ConstView& input, const ConstView& target, std::int64_t ignore_index, const MutView& loss);
// dx[n, c] = -scale * dloss[n] where c == t_n, else 0
void nll_loss_backward(const ConstView& target, const ConstView& dloss, double scale, std::int64_t ignore_index,
                       const MutView& dinput);

// Multi-class hinge (torch.nn.MultiMarginLoss, no weight), p = 1 or 2:
//   loss[n] = sum_{j != t_n} max(0, margin - x[n, t_n] + x[n, j])^p / C
void multi_margin_loss_forward(const ConstView& input, const ConstView& target, int p, double margin,
                               const MutView& loss);
// For each j != t_n with a positive hinge h: dx[n, j] = scale * dloss[n] * p h^(p-1) / C, and
// dx[n, t_n] is minus the sum of those; all else 0.
void multi_margin_loss_backward(const ConstView& input, const ConstView& target, int p, double margin,
                                const ConstView& dloss, double scale, const MutView& dinput);

// Perceptron criterion: loss[n] = max_j x[n, j] - x[n, t_n] (>= 0, 0 when the row is right).
void perceptron_loss_forward(const ConstView& input, const ConstView& target, const MutView& loss);
// With k = argmax_j x[n, j] (first occurrence): dx[n, k] = g, dx[n, t_n] = -g when k != t_n,
// g = scale * dloss[n]; the rest of the row is 0.
void perceptron_loss_backward(const ConstView& input, const ConstView& target, const ConstView& dloss, double scale,
                              const MutView& dinput);

// Elementwise, every view of one shape:
// loss = max(x, 0) - x t + log(1 + exp(-|x|)), the overflow-free form of
// -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))).
void binary_cross_entropy_with_logits_forward(const ConstView& input, const ConstView& target, const MutView& loss);
// dx = scale * dloss * (sigmoid(x) - t), dt = -scale * dloss * x; an output with null data is skipped.
void binary_cross_entropy_with_logits_backward(const ConstView& input, const ConstView& target, const ConstView& dloss,
                                               double scale, const MutView& dinput, const MutView& dtarget);

// loss = |a - b|
void l1_loss_forward(const ConstView& input, const ConstView& target, const MutView& loss);
// da = scale * dloss * sign(a - b) (sign(0) = 0, as torch), db = -da; null outputs are skipped.
void l1_loss_backward(const ConstView& input, const ConstView& target, const ConstView& dloss, double scale,
                      const MutView& dinput, const MutView& dtarget);

}  // namespace nnlab::kernels
