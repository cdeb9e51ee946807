// Confusion matrices from label vectors or from a model evaluated over a dataset.
#include "nnlab/analysis/confusion.h"

#include <algorithm>

#include "nnlab/analysis/model_outputs.h"
#include "nnlab/core/check.h"

namespace nnlab::analysis {

ConfusionMatrix confusion_matrix(const std::vector<std::int64_t>& targets, const std::vector<std::int64_t>& predicted,
                                 std::int64_t num_classes) {
  NNLAB_CHECK(num_classes >= 1, ValueError, "confusion_matrix: expected num_classes >= 1, got {}", num_classes);
  NNLAB_CHECK(targets.size() == predicted.size(), ShapeError,
              "confusion_matrix: expected as many predictions as targets, got {} targets and {} predictions",
              targets.size(), predicted.size());
  ConfusionMatrix matrix{.num_classes = num_classes,
                         .counts = std::vector<std::int64_t>(static_cast<std::size_t>(num_classes * num_classes), 0)};
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::int64_t truth = targets[i];
    const std::int64_t guess = predicted[i];
    NNLAB_CHECK(truth >= 0 && truth < num_classes && guess >= 0 && guess < num_classes, ValueError,
                "confusion_matrix: expected classes in [0, {}), got target {} and prediction {} at position {}",
                num_classes, truth, guess, i);
    ++matrix.counts[static_cast<std::size_t>(truth * num_classes + guess)];
  }
  return matrix;
}

ConfusionMatrix confusion_matrix(nn::Module& model, const data::Dataset& dataset, std::int64_t batch_size) {
  NNLAB_CHECK(dataset.task == data::Task::classification, ValueError,
              "confusion_matrix: expected a classification dataset, got a regression one ('{}')", dataset.name);
  const std::vector<std::int64_t> targets = class_indices(dataset.targets, "confusion_matrix");
  const Tensor outputs = outputs_in_batches(model, dataset.inputs, batch_size);
  const std::vector<std::int64_t> predicted = outputs.numel() == 0 ? std::vector<std::int64_t>{} : argmax_rows(outputs);
  const std::int64_t output_classes = outputs.dim() == 2 ? outputs.size(1) : 0;
  return confusion_matrix(targets, predicted, std::max({dataset.num_classes, output_classes, std::int64_t{1}}));
}

}  // namespace nnlab::analysis
