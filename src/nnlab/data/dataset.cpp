#include "nnlab/data/dataset.h"

#include "nnlab/core/check.h"
#include "nnlab/ops/indexing.h"

namespace nnlab::data {

void validate(const Dataset& dataset) {
  const std::string& name = dataset.name.empty() ? std::string("dataset") : dataset.name;
  NNLAB_CHECK(dataset.inputs.defined() && dataset.targets.defined(), DataError, "{}: inputs and targets are required",
              name);
  NNLAB_CHECK(dataset.inputs.dim() >= 1 && is_floating(dataset.inputs.dtype()), DataError,
              "{}: inputs must be a float tensor with one row per example, got {} {}", name, dataset.inputs.dtype(),
              dataset.inputs.shape());
  NNLAB_CHECK(dataset.targets.dim() >= 1 && dataset.targets.size(0) == dataset.inputs.size(0), DataError,
              "{}: {} inputs but targets of shape {}", name, dataset.inputs.size(0), dataset.targets.shape());
  if (dataset.task == Task::regression) {
    NNLAB_CHECK(is_floating(dataset.targets.dtype()), DataError, "{}: regression targets must be float, got {}", name,
                dataset.targets.dtype());
    return;
  }
  NNLAB_CHECK(dataset.targets.dim() == 1 && dataset.targets.dtype() == DType::i64, DataError,
              "{}: class targets must be a 1-D int64 tensor, got {} {}", name, dataset.targets.dtype(),
              dataset.targets.shape());
  NNLAB_CHECK(dataset.num_classes > 0, DataError, "{}: num_classes must be positive, got {}", name,
              dataset.num_classes);
  const std::int64_t* labels = dataset.targets.data<std::int64_t>();
  for (std::int64_t i = 0; i < dataset.targets.numel(); ++i) {
    NNLAB_CHECK(labels[i] >= 0 && labels[i] < dataset.num_classes, DataError,
                "{}: label {} of example {} is out of range for {} classes", name, labels[i], i, dataset.num_classes);
  }
}

Dataset subset(const Dataset& dataset, const Tensor& indices) {
  Dataset out = dataset;
  out.inputs = ops::index_select(dataset.inputs, 0, indices);
  out.targets = ops::index_select(dataset.targets, 0, indices);
  return out;
}

}  // namespace nnlab::data
