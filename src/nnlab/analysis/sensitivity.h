#pragma once
// Input sensitivity (E11): the mean over a dataset of || d loss(x_i, y_i) / d x_i ||_2, the
// norm of the gradient of each example's loss with respect to that example's input.
#include <cstdint>
#include <functional>
#include <vector>

#include "nnlab/data/dataset.h"
#include "nnlab/nn/module.h"
#include "nnlab/ops/reduction.h"

namespace nnlab::analysis {

// loss(outputs, targets) for one batch, differentiable in outputs.
using BatchLoss = std::function<Tensor(const Tensor& outputs, const Tensor& targets)>;

struct SensitivityOptions {
  std::int64_t batch_size = 128;
  // What `loss` returns: none = one loss per example (B); sum = their 0-D sum; mean = their
  // 0-D mean over the batch's rows (train::Objective's losses), whose gradients are multiplied
  // back by the number of rows. A mean over rows and classes (binary_cross_entropy_with_logits'
  // mean on a multi-label head) then comes out divided by the class count: pass `sum` or `none`.
  ops::Reduction loss_reduction = ops::Reduction::none;
};

struct InputSensitivity {
  double mean_gradient_norm = 0.0;     // NaN for an empty dataset
  std::vector<double> gradient_norms;  // one per example, in dataset order
};

// Each example's ||d loss_i / d x_i||_2 over all of its input elements, and their mean.
// How: the model runs in eval mode (restored afterwards), batch_size rows at a time; the
// batch's losses are summed and back-propagated once, so row i of the input gradient is
// example i's own gradient. That holds because an eval-mode model treats examples
// independently (BatchNorm uses running statistics, dropout is off); a model that mixes rows
// would give wrong values. Parameters' requires_grad is switched off for the duration, so
// their .grad are left untouched; grad mode is on during the passes whatever the caller's.
// Throws ValueError for batch_size < 1, ShapeError when loss's result does not match
// loss_reduction (showing its shape).
InputSensitivity input_sensitivity(nn::Module& model, const data::Dataset& dataset, const BatchLoss& loss,
                                   const SensitivityOptions& options = {});

// ops::cross_entropy with Reduction::none: a BatchLoss for the default loss_reduction.
BatchLoss per_example_cross_entropy();

}  // namespace nnlab::analysis
