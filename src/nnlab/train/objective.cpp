// Named objectives: each is one call to an ops:: loss; bce, and mse on classes, build their one-hot
// target per batch.
#include "nnlab/train/objective.h"

#include <fmt/ranges.h>

#include "nnlab/core/check.h"
#include "nnlab/data/split.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/shape_ops.h"

namespace nnlab::train {

std::vector<std::string> objective_names() { return {"auto", "cross_entropy", "mse", "l1", "bce", "multi_margin", "perceptron"}; }

Objective make_objective(const std::string& name, data::Task task, std::int64_t num_classes,
                         double label_smoothing) {
  const bool classification = task == data::Task::classification;
  const std::string resolved = name == "auto" ? (classification ? "cross_entropy" : "mse") : name;
  const bool wants_classes =
      resolved == "cross_entropy" || resolved == "bce" || resolved == "multi_margin" || resolved == "perceptron";
  const bool wants_values = resolved == "mse" || resolved == "l1";
  NNLAB_CHECK(wants_classes || wants_values, ConfigError, "[train] loss: expected one of {}, got '{}'",
              fmt::join(objective_names(), ", "), name);
  // mse also takes classes, as one-hot targets: least squares on them is E5's closed-form fit.
  const bool one_hot_mse = classification && resolved == "mse";
  NNLAB_CHECK(wants_classes == classification || one_hot_mse, ConfigError,
              "[train] loss '{}' needs a {} dataset, but the dataset is a {} task", resolved,
              wants_classes ? "classification" : "regression", classification ? "classification" : "regression");
  Objective objective{.name = resolved, .loss = {}, .classification = classification};
  if (resolved == "cross_entropy") {
    objective.loss = [label_smoothing](const Tensor& out, const Tensor& y) {
      return ops::cross_entropy(out, y, {.label_smoothing = label_smoothing});
    };
  } else if (resolved == "bce") {
    objective.loss = [num_classes](const Tensor& out, const Tensor& y) {
      return ops::binary_cross_entropy_with_logits(out, ops::to_dtype(data::one_hot(y, num_classes), out.dtype()));
    };
  } else if (resolved == "perceptron") {
    // With SGD, lr 1 and one example per batch, its gradient step is the classic perceptron rule.
    objective.loss = [](const Tensor& out, const Tensor& y) { return ops::perceptron_loss(out, y); };
  } else if (resolved == "multi_margin") {
    objective.loss = [](const Tensor& out, const Tensor& y) { return ops::multi_margin_loss(out, y); };
  } else if (one_hot_mse) {
    objective.loss = [num_classes](const Tensor& out, const Tensor& y) {
      return ops::mse_loss(out, ops::to_dtype(data::one_hot(y, num_classes), out.dtype()));
    };
  } else if (resolved == "mse") {
    objective.loss = [](const Tensor& out, const Tensor& y) { return ops::mse_loss(out, y); };
  } else {
    objective.loss = [](const Tensor& out, const Tensor& y) { return ops::l1_loss(out, y); };
  }
  return objective;
}

}  // namespace nnlab::train
