// True-class probabilities from logits, in double.
#include "nnlab/analysis/class_probability.h"

#include <algorithm>
#include <cmath>

#include "nnlab/analysis/model_outputs.h"
#include "nnlab/core/check.h"

namespace nnlab::analysis {
namespace {

// softmax(row)[target], with the max subtracted first: exp() overflows above ~709 in double.
double softmax_at(const double* row, std::int64_t classes, std::int64_t target) {
  const double max = *std::max_element(row, row + classes);
  double denominator = 0.0;
  for (std::int64_t j = 0; j < classes; ++j) denominator += std::exp(row[j] - max);
  return std::exp(row[target] - max) / denominator;
}

// 1 / (1 + e^-z), written so that neither branch overflows.
double stable_sigmoid(double z) {
  if (z >= 0.0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

}  // namespace

std::vector<ExampleProbability> true_class_probabilities(const Tensor& logits, const Tensor& targets,
                                                         OutputProbability kind) {
  NNLAB_CHECK(logits.dim() == 2 && logits.size(1) >= 1, ShapeError,
              "true_class_probabilities: expected logits (N, C) with C >= 1, got {}", logits.shape());
  NNLAB_CHECK(is_floating(logits.dtype()), DTypeError,
              "true_class_probabilities: expected float32 or float64 logits, got {}", logits.dtype());
  const std::vector<std::int64_t> labels = class_indices(targets, "true_class_probabilities");
  const std::int64_t n = logits.size(0);
  const std::int64_t classes = logits.size(1);
  NNLAB_CHECK(static_cast<std::int64_t>(labels.size()) == n, ShapeError,
              "true_class_probabilities: expected {} targets, one per row of logits {}, got {}", n, logits.shape(),
              labels.size());
  const std::vector<double> values = logits.to_vector<double>();
  std::vector<ExampleProbability> result(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t target = labels[static_cast<std::size_t>(i)];
    NNLAB_CHECK(target >= 0 && target < classes, ValueError,
                "true_class_probabilities: expected a class in [0, {}), got {} at row {}", classes, target, i);
    const double* row = values.data() + i * classes;
    const std::int64_t predicted = std::max_element(row, row + classes) - row;
    result[static_cast<std::size_t>(i)] = {.true_class_probability = kind == OutputProbability::softmax
                                                                         ? softmax_at(row, classes, target)
                                                                         : stable_sigmoid(row[target]),
                                           .correct = predicted == target};
  }
  return result;
}

std::vector<ExampleProbability> true_class_probabilities(nn::Module& model, const data::Dataset& dataset,
                                                         OutputProbability kind, std::int64_t batch_size) {
  NNLAB_CHECK(dataset.task == data::Task::classification, ValueError,
              "true_class_probabilities: expected a classification dataset, got a regression one ('{}')", dataset.name);
  if (dataset.size() == 0) return {};
  return true_class_probabilities(outputs_in_batches(model, dataset.inputs, batch_size), dataset.targets, kind);
}

}  // namespace nnlab::analysis
