// Softmax regression on fixed features; see softmax_regression.h.
#include "nnlab/analysis/softmax_regression.h"

#include <cmath>
#include <vector>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/core/rng.h"
#include "nnlab/data/loader.h"
#include "nnlab/nn/linear.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/linear.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/optim/adam.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::analysis {
namespace {

// features (N, ...) as a contiguous (N, D) tensor, checked to be floating point.
Tensor flat_rows(const Tensor& features, const char* where) {
  NNLAB_CHECK(features.defined() && features.dim() >= 2, ShapeError, "{}: expected features (N, D), got {}", where,
              features.defined() ? features.shape().to_string() : std::string("an undefined tensor"));
  NNLAB_CHECK(is_floating(features.dtype()), DTypeError, "{}: expected float32 or float64 features, got {}", where,
              features.dtype());
  return contiguous(features.dim() == 2 ? features : view::flatten(features, 1));
}

void check_fit_arguments(const Tensor& x, const Tensor& labels, std::int64_t classes,
                         const SoftmaxRegressionOptions& o) {
  constexpr const char* kWhere = "softmax_regression";
  NNLAB_CHECK(labels.defined() && labels.dim() == 1, ShapeError, "{}: expected labels (N), got {}", kWhere,
              labels.defined() ? labels.shape().to_string() : std::string("an undefined tensor"));
  NNLAB_CHECK(labels.dtype() == DType::i64, DTypeError, "{}: expected int64 class labels, got {}", kWhere,
              labels.dtype());
  NNLAB_CHECK(labels.size(0) == x.size(0), ShapeError, "{}: expected one label per row, got {} labels for {} rows",
              kWhere, labels.size(0), x.size(0));
  NNLAB_CHECK(x.size(0) >= 1, ValueError, "{}: expected at least one training row, got none", kWhere);
  NNLAB_CHECK(classes >= 2, ValueError, "{}: expected classes >= 2, got {}", kWhere, classes);
  NNLAB_CHECK(o.epochs >= 1, ValueError, "{}: epochs: expected an integer >= 1, got {}", kWhere, o.epochs);
  NNLAB_CHECK(o.batch_size >= 1, ValueError, "{}: batch_size: expected an integer >= 1, got {}", kWhere, o.batch_size);
  NNLAB_CHECK(o.lr > 0 && std::isfinite(o.lr), ValueError, "{}: lr: expected a number > 0, got {}", kWhere, o.lr);
  NNLAB_CHECK(o.weight_decay >= 0 && std::isfinite(o.weight_decay), ValueError,
              "{}: weight_decay: expected a number >= 0, got {}", kWhere, o.weight_decay);
  const std::vector<std::int64_t> values = labels.to_vector<std::int64_t>();
  for (std::size_t i = 0; i < values.size(); ++i) {
    NNLAB_CHECK(values[i] >= 0 && values[i] < classes, ValueError,
                "{}: expected labels in [0, {}) ({} classes), got {} at row {}", kWhere, classes, classes, values[i],
                i);
  }
}

// (x - mean) · scale for the fit's mean and scale, x (N, D).
Tensor standardized(const SoftmaxRegression& fit, const Tensor& x) {
  NoGradGuard no_grad;
  return ops::mul(ops::sub(x, fit.mean), fit.scale);
}

}  // namespace

SoftmaxRegression fit_softmax_regression(const Tensor& features, const Tensor& labels, std::int64_t classes,
                                         const SoftmaxRegressionOptions& options) {
  const Tensor x = flat_rows(features, "softmax_regression");
  check_fit_arguments(x, labels, classes, options);
  const std::int64_t n = x.size(0), d = x.size(1);

  SoftmaxRegression fit;
  {
    NoGradGuard no_grad;
    fit.mean = ops::mean(x, 0);
    const std::vector<double> variance = ops::var(x, 0, /*correction=*/0).to_vector<double>();
    std::vector<double> scale(variance.size());
    for (std::size_t j = 0; j < scale.size(); ++j) scale[j] = variance[j] > 0 ? 1.0 / std::sqrt(variance[j]) : 1.0;
    fit.scale = Tensor::from_doubles(scale, {d}, x.dtype());
  }
  const data::Dataset train{.inputs = standardized(fit, x),
                            .targets = labels,
                            .task = data::Task::classification,
                            .num_classes = classes,
                            .class_names = {},
                            .name = "softmax_regression"};

  Rng init(options.seed);
  nn::Linear linear({.in_features = d, .out_features = classes, .bias = true, .dtype = x.dtype(), .rng = &init});
  optim::Adam adam(linear.parameters(), {.lr = options.lr, .weight_decay = options.weight_decay});
  data::DataLoader loader(train, {.batch_size = options.batch_size, .shuffle = true, .seed = options.seed});
  for (std::int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    double loss_sum = 0.0;
    for (const data::Batch& batch : loader) {
      const Tensor loss = ops::cross_entropy(linear.forward(batch.inputs), batch.targets);
      adam.zero_grad();
      loss.backward();
      adam.step();
      loss_sum += loss.item() * static_cast<double>(batch.inputs.size(0));
    }
    fit.final_loss = loss_sum / static_cast<double>(n);
  }
  fit.weight = clone(linear.weight());
  fit.bias = clone(linear.bias());
  return fit;
}

Tensor softmax_regression_logits(const SoftmaxRegression& fit, const Tensor& features) {
  const Tensor x = flat_rows(features, "softmax_regression_logits");
  NNLAB_CHECK(x.size(1) == fit.weight.size(1), ShapeError,
              "softmax_regression_logits: expected {} features per row (as fitted), got {}", fit.weight.size(1),
              x.size(1));
  NoGradGuard no_grad;
  return ops::linear(standardized(fit, to_dtype(x, fit.weight.dtype())), fit.weight, fit.bias);
}

}  // namespace nnlab::analysis
