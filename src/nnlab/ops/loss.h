#pragma once
// Loss functions with torch.nn.functional's semantics and defaults. Class-index losses take
// input (N, C) float32/float64 and target (N) int64; elementwise losses take input and target
// of one shape and dtype. Reduction::none returns one loss per sample (class-index losses) or
// per element; mean and sum return a 0-D tensor.
// Throws DTypeError for a float target where class indices are needed (and for int64 values
// where floats are), ShapeError showing both shapes when they do not fit, and ValueError for
// a class index outside [0, C), naming the loss, the value, C and the row.
#include <cstdint>

#include "nnlab/ops/reduction.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

struct CrossEntropyOptions {
  Reduction reduction = Reduction::mean;
  double label_smoothing = 0.0;      // ε in [0, 1]: the target becomes (1 - ε) one-hot + ε / C
  std::int64_t ignore_index = -100;  // rows with this target add 0 and leave the mean's count
};

// Cross-entropy of logits against class indices: log_softmax and nll_loss fused into one pass
// per row, with a hand-written backward: d input = (softmax(input) - q) times the upstream
// gradient, q the (smoothed) one-hot target; a mean divides by the rows not ignored.
// https://pytorch.org/docs/stable/generated/torch.nn.functional.cross_entropy.html
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyOptions& options = {});

// Negative log-likelihood of log-probabilities: loss[n] = -input[n, target[n]].
// https://pytorch.org/docs/stable/generated/torch.nn.functional.nll_loss.html
Tensor nll_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean,
                std::int64_t ignore_index = -100);

// Binary cross-entropy on logits, elementwise: max(x, 0) - x t + log(1 + exp(-|x|)), finite for
// any x. target holds probabilities (usually 0/1) and also gets a gradient (-x). mean averages
// over every element: over classes and batch for a multi-label head.
// https://pytorch.org/docs/stable/generated/torch.nn.functional.binary_cross_entropy_with_logits.html
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        Reduction reduction = Reduction::mean);

// (input - target)^2 and |input - target|, elementwise. The L1 gradient at input == target is 0.
// https://pytorch.org/docs/stable/generated/torch.nn.functional.mse_loss.html
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);

// Multi-class hinge loss (torch.nn.MultiMarginLoss, without class weights): for row n, target y,
//   loss[n] = sum_{j != y} max(0, margin - x[n, y] + x[n, j])^p / C,   p = 1 or 2.
// Zero once the target's score beats every other score by the margin: the Weston-Watkins
// multi-class SVM loss, divided by C. https://pytorch.org/docs/stable/generated/torch.nn.MultiMarginLoss.html
Tensor multi_margin_loss(const Tensor& input, const Tensor& target, std::int64_t p = 1, double margin = 1.0,
                         Reduction reduction = Reduction::mean);

// Perceptron criterion on scores s (N, C): loss[n] = max(0, max_j s[n, j] - s[n, y]), which is
// max_j s[n, j] - s[n, y] since j = y is in the max; 0 for a correctly classified row.
// Its gradient is the mistake-driven perceptron update: where the prediction k = argmax_j s[n, j]
// (first occurrence, as argmax) differs from y, +1 at k and -1 at y (divided by N for a mean),
// so a gradient step on linear scores s = x Wᵀ adds lr·x to W's row y and takes it from row k.
// A tie counts as a mistake whenever the first maximum is not y (its loss is 0), so training
// from all-zero weights, where every score ties, still gets updates.
Tensor perceptron_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);

}  // namespace nnlab::ops
