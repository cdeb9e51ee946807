#pragma once
// Confusion matrix of a classifier: counts[true class][predicted class].
#include <cstdint>
#include <vector>

#include "nnlab/data/dataset.h"
#include "nnlab/nn/module.h"

namespace nnlab::analysis {

struct ConfusionMatrix {
  std::int64_t num_classes = 0;
  std::vector<std::int64_t> counts;  // (num_classes, num_classes) row-major: row = true, column = predicted

  std::int64_t at(std::int64_t true_class, std::int64_t predicted_class) const {
    return counts[static_cast<std::size_t>(true_class * num_classes + predicted_class)];
  }
};

// Counts each (targets[i], predicted[i]) pair. Throws ShapeError if the two lengths differ and
// ValueError for num_classes < 1 or a class outside [0, num_classes), naming the position.
ConfusionMatrix confusion_matrix(const std::vector<std::int64_t>& targets, const std::vector<std::int64_t>& predicted,
                                 std::int64_t num_classes);

// The confusion matrix of the model's arg max predictions on a classification dataset, the
// model run in eval mode under NoGradGuard, batch_size rows at a time (its mode is restored).
// num_classes is the dataset's, or the model's output width when that is larger.
// Throws ValueError for a regression dataset or batch_size < 1.
ConfusionMatrix confusion_matrix(nn::Module& model, const data::Dataset& dataset, std::int64_t batch_size = 256);

}  // namespace nnlab::analysis
