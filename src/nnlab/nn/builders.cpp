#include "nnlab/nn/builders.h"

#include <fmt/format.h>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/dropout.h"
#include "nnlab/nn/init.h"
#include "nnlab/nn/linear.h"
#include "nnlab/ops/linear.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::nn {

std::shared_ptr<Sequential> mlp(const MlpOptions& options) {
  NNLAB_CHECK(options.in_features > 0 && options.out_features > 0, ConfigError,
              "mlp: in_features and out_features must be positive, got {} and {}", options.in_features,
              options.out_features);
  NNLAB_CHECK(options.dropout >= 0.0 && options.dropout < 1.0, ConfigError, "mlp: dropout must be in [0, 1), got {}",
              options.dropout);
  Rng& rng = options.rng != nullptr ? *options.rng : global_rng();
  make_activation(options.activation);  // reject an unknown name before building anything
  auto model = std::make_shared<Sequential>();
  std::int64_t width = options.in_features;
  const auto add_linear = [&](std::int64_t out, const std::string& activation) {
    NNLAB_CHECK(out > 0, ConfigError, "mlp: layer sizes must be positive, got {}", out);
    auto layer = model->add(std::make_shared<Linear>(
        LinearOptions{.in_features = width, .out_features = out, .dtype = options.dtype, .rng = &rng}));
    init::scheme_(layer->weight(), layer->bias(), options.init, activation, rng);
    width = out;
  };
  for (std::int64_t size : options.hidden) {
    add_linear(size, options.activation);
    if (options.batchnorm) {
      model->add(std::make_shared<BatchNorm1d>(BatchNorm1dOptions{.num_features = size, .dtype = options.dtype}));
    }
    model->add(make_activation(options.activation));
    if (options.dropout > 0.0) model->add(std::make_shared<Dropout>(DropoutOptions{.p = options.dropout, .rng = &rng}));
  }
  add_linear(options.out_features, options.activation);
  return model;
}

std::shared_ptr<Sequential> logistic_regression(std::int64_t in_features, std::int64_t classes, DType dtype) {
  NNLAB_CHECK(in_features > 0 && classes > 1, ConfigError,
              "logistic_regression: need in_features > 0 and at least 2 classes, got {} and {}", in_features, classes);
  auto model = std::make_shared<Sequential>();
  model->add(std::make_shared<Linear>(LinearOptions{.in_features = in_features, .out_features = classes, .dtype = dtype}));
  return model;
}

Perceptron::Perceptron(std::int64_t in_features, std::int64_t classes, DType dtype) {
  NNLAB_CHECK(in_features > 0 && classes > 1, ConfigError,
              "Perceptron: need in_features > 0 and at least 2 classes, got {} and {}", in_features, classes);
  weight_ = register_parameter("weight", Tensor::zeros({classes, in_features}, dtype));
  bias_ = register_parameter("bias", Tensor::zeros({classes}, dtype));
}

Tensor Perceptron::forward(const Tensor& x) { return ops::linear(x, weight_, bias_); }

std::string Perceptron::describe() const {
  return fmt::format("Perceptron(in_features={}, classes={})", weight_.size(1), weight_.size(0));
}

namespace {

template <typename T>
std::int64_t perceptron_pass(const Tensor& weight, const Tensor& bias, const Tensor& x, const Tensor& y, T lr) {
  const std::int64_t n = x.size(0), d = x.size(1), classes = weight.size(0);
  T* w = weight.data<T>();
  T* b = bias.data<T>();
  const T* xs = x.data<T>();
  const std::int64_t* labels = y.data<std::int64_t>();
  std::int64_t mistakes = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const T* row = xs + i * d;
    std::int64_t predicted = 0;
    T best = 0;
    for (std::int64_t c = 0; c < classes; ++c) {
      T score = b[c];
      for (std::int64_t k = 0; k < d; ++k) score += w[c * d + k] * row[k];
      if (c == 0 || score > best) best = score, predicted = c;
    }
    const std::int64_t label = labels[i];
    if (predicted == label) continue;
    ++mistakes;
    for (std::int64_t k = 0; k < d; ++k) {
      w[label * d + k] += lr * row[k];
      w[predicted * d + k] -= lr * row[k];
    }
    b[label] += lr;
    b[predicted] -= lr;
  }
  return mistakes;
}

}  // namespace

std::int64_t perceptron_update(Perceptron& model, const Tensor& x, const Tensor& y, double lr) {
  check_rank(x, 2, "perceptron_update: x");
  check_rank(y, 1, "perceptron_update: y");
  check_dtype(y, DType::i64, "perceptron_update: y (class indices)");
  check_same_dtype(x, model.weight(), "perceptron_update: x and weight");
  NNLAB_CHECK(x.size(1) == model.weight().size(1) && y.size(0) == x.size(0), ShapeError,
              "perceptron_update: expected x (N, {}) and y (N), got x {} and y {}", model.weight().size(1), x.shape(),
              y.shape());
  const Tensor xs = contiguous(x), ys = contiguous(y);
  const std::int64_t classes = model.weight().size(0);
  for (std::int64_t label : ys.to_vector<std::int64_t>()) {
    NNLAB_CHECK(label >= 0 && label < classes, ValueError,
                "perceptron_update: label {} is out of range for {} classes", label, classes);
  }
  NoGradGuard no_grad;
  if (x.dtype() == DType::f64) return perceptron_pass<double>(model.weight(), model.bias(), xs, ys, lr);
  return perceptron_pass<float>(model.weight(), model.bias(), xs, ys, static_cast<float>(lr));
}

}  // namespace nnlab::nn
