#include "nnlab/train/evaluate.h"

#include <algorithm>
#include <limits>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::train {

std::int64_t count_correct(const Tensor& outputs, const Tensor& targets) {
  NNLAB_CHECK(outputs.dim() == 2 && targets.dim() == 1 && outputs.size(0) == targets.size(0), ShapeError,
              "accuracy: expected outputs (B, C) and class indices (B), got {} and {}", outputs.shape(),
              targets.shape());
  const Tensor predicted = ops::argmax(outputs, 1);  // fresh and contiguous
  const Tensor labels = contiguous(targets);
  const std::int64_t* p = predicted.data<std::int64_t>();
  const std::int64_t* l = labels.data<std::int64_t>();
  std::int64_t correct = 0;
  for (std::int64_t i = 0, n = predicted.numel(); i < n; ++i) correct += p[i] == l[i];
  return correct;
}

Evaluation evaluate(nn::Module& model, const data::Dataset& dataset, const Objective& objective,
                    std::int64_t batch_size) {
  NNLAB_CHECK(batch_size >= 1, ValueError, "evaluate: batch_size must be >= 1, got {}", batch_size);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const std::int64_t n = dataset.size();
  if (n == 0) return {.loss = kNaN, .accuracy = kNaN, .examples = 0};
  // Back to the caller's mode however evaluation ends (a bad batch throws).
  struct ModeRestorer {
    nn::Module& model;
    bool was_training;
    ~ModeRestorer() { model.train(was_training); }
  } restore{model, model.is_training()};
  model.eval();
  NoGradGuard no_grad;
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  for (std::int64_t start = 0; start < n; start += batch_size) {
    const std::int64_t rows = std::min(batch_size, n - start);
    const Tensor inputs = view::narrow(dataset.inputs, 0, start, rows);
    const Tensor targets = view::narrow(dataset.targets, 0, start, rows);
    const Tensor outputs = model(inputs);
    loss_sum += objective.loss(outputs, targets).item() * static_cast<double>(rows);
    if (objective.classification) correct += count_correct(outputs, targets);
  }
  const double count = static_cast<double>(n);
  return {.loss = loss_sum / count,
          .accuracy = objective.classification ? static_cast<double>(correct) / count : kNaN,
          .examples = n};
}

}  // namespace nnlab::train
