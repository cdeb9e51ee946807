#include "nnlab/data/class_filter.h"

#include <fmt/ranges.h>

#include <vector>

#include "nnlab/core/check.h"

namespace nnlab::data {

Dataset keep_classes(const Dataset& dataset, std::span<const std::int64_t> classes) {
  NNLAB_CHECK(dataset.task == Task::classification, ValueError,
              "keep_classes: needs a classification dataset, '{}' is regression", dataset.name);
  NNLAB_CHECK(classes.size() >= 2, ValueError, "keep_classes: expected at least 2 classes, got [{}]",
              fmt::join(classes, ", "));
  // new_label[old class] = its position in `classes`, or -1 for a class left out
  std::vector<std::int64_t> new_label(static_cast<std::size_t>(dataset.num_classes), -1);
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const std::int64_t c = classes[k];
    NNLAB_CHECK(c >= 0 && c < dataset.num_classes, ValueError,
                "keep_classes: expected class indices in [0, {}) ('{}' has {} classes), got {}", dataset.num_classes,
                dataset.name, dataset.num_classes, c);
    NNLAB_CHECK(new_label[static_cast<std::size_t>(c)] < 0, ValueError,
                "keep_classes: expected distinct class indices, got {} twice in [{}]", c, fmt::join(classes, ", "));
    new_label[static_cast<std::size_t>(c)] = static_cast<std::int64_t>(k);
  }

  const std::vector<std::int64_t> labels = dataset.targets.to_vector<std::int64_t>();
  std::vector<std::int64_t> rows, relabelled;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::int64_t label = new_label[static_cast<std::size_t>(labels[i])];
    if (label < 0) continue;
    rows.push_back(static_cast<std::int64_t>(i));
    relabelled.push_back(label);
  }
  const auto n = static_cast<std::int64_t>(rows.size());
  Dataset out = subset(dataset, Tensor::from_vector(rows, {n}));
  out.targets = Tensor::from_vector(relabelled, {n});
  out.num_classes = static_cast<std::int64_t>(classes.size());
  out.class_names.clear();
  if (dataset.class_names.size() == static_cast<std::size_t>(dataset.num_classes)) {
    for (std::int64_t c : classes) out.class_names.push_back(dataset.class_names[static_cast<std::size_t>(c)]);
  }
  validate(out);
  return out;
}

}  // namespace nnlab::data
