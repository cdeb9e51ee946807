#pragma once
// Objective: the loss a run minimises, chosen by name, and what "accuracy" means for it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nnlab/data/dataset.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::train {

struct Objective {
  std::string name;  // cross_entropy, mse, l1, bce, multi_margin
  // loss(outputs, targets) -> 0-D mean loss over the batch, differentiable in outputs.
  std::function<Tensor(const Tensor& outputs, const Tensor& targets)> loss;
  bool classification = true;  // accuracy = arg max of the outputs equals the class index
};

// The objective `name` for a dataset's task; "auto" is cross_entropy for classification and
// mse for regression. bce applies a sigmoid per output against one-hot targets (E15's multiple
// binary cross-entropy); mse on a classification dataset compares the outputs with one-hot
// targets (the mean over N x classes), and accuracy is still the arg max. Throws ConfigError
// naming the loss when it is unknown or does not fit the task (a class-index loss on a
// regression dataset, or l1 on classes).
Objective make_objective(const std::string& name, data::Task task, std::int64_t num_classes,
                         double label_smoothing = 0.0);

// The names make_objective accepts, for help texts.
std::vector<std::string> objective_names();

}  // namespace nnlab::train
