#include "nnlab/nn/init.h"

#include <cmath>

#include "nnlab/core/check.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"

namespace nnlab::nn::init {
namespace {

// Writes `values` into t, which may be any float tensor (views included).
void assign(const Tensor& t, const Tensor& values) {
  NNLAB_CHECK(is_floating(t.dtype()), DTypeError, "init: expected a float32 or float64 tensor, got {}", t.dtype());
  copy_into(t, values);
}

}  // namespace

double calculate_gain(const std::string& nonlinearity, double param) {
  if (nonlinearity == "linear" || nonlinearity == "conv1d" || nonlinearity == "conv2d" || nonlinearity == "conv3d" ||
      nonlinearity == "sigmoid" || nonlinearity == "identity") {
    return 1.0;
  }
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") return std::sqrt(2.0 / (1.0 + param * param));
  if (nonlinearity == "selu") return 0.75;
  // x (1 - x) has no torch gain. Its slope is 1 at 0, so on the small pre-activations of a fresh
  // layer it passes the variance through as the identity does: the linear gain, 1.
  if (nonlinearity == "quadratic") return 1.0;
  NNLAB_CHECK(false, ValueError,
              "calculate_gain: unknown nonlinearity '{}' (expected linear, conv2d, sigmoid, tanh, relu, leaky_relu, "
              "selu or quadratic)",
              nonlinearity);
  return 1.0;
}

std::pair<double, double> fans(const Tensor& weight) {
  NNLAB_CHECK(weight.dim() >= 2, ShapeError, "init: fan in and fan out need a weight of rank >= 2, got shape {}",
              weight.shape());
  double receptive = 1.0;
  for (int d = 2; d < weight.dim(); ++d) receptive *= static_cast<double>(weight.shape()[d]);
  return {static_cast<double>(weight.shape()[1]) * receptive, static_cast<double>(weight.shape()[0]) * receptive};
}

void uniform_(const Tensor& t, double low, double high, Rng& rng) {
  assign(t, uniform(t.shape(), low, high, rng, t.dtype()));
}

void normal_(const Tensor& t, double mean, double stddev, Rng& rng) {
  assign(t, normal(t.shape(), mean, stddev, rng, t.dtype()));
}

void constant_(const Tensor& t, double value) { assign(t, Tensor::full(t.shape(), value, t.dtype())); }
void zeros_(const Tensor& t) { constant_(t, 0.0); }
void ones_(const Tensor& t) { constant_(t, 1.0); }

void xavier_uniform_(const Tensor& t, Rng& rng, double gain) {
  const auto [fan_in, fan_out] = fans(t);
  const double bound = gain * std::sqrt(6.0 / (fan_in + fan_out));
  uniform_(t, -bound, bound, rng);
}

void xavier_normal_(const Tensor& t, Rng& rng, double gain) {
  const auto [fan_in, fan_out] = fans(t);
  normal_(t, 0.0, gain * std::sqrt(2.0 / (fan_in + fan_out)), rng);
}

namespace {
double kaiming_std(const Tensor& t, double a, FanMode mode, const std::string& nonlinearity) {
  const auto [fan_in, fan_out] = fans(t);
  const double fan = mode == FanMode::fan_in ? fan_in : fan_out;
  NNLAB_CHECK(fan > 0, ShapeError, "kaiming init: fan is 0 for shape {}", t.shape());
  return calculate_gain(nonlinearity, a) / std::sqrt(fan);
}
}  // namespace

void kaiming_uniform_(const Tensor& t, Rng& rng, double a, FanMode mode, const std::string& nonlinearity) {
  const double bound = std::sqrt(3.0) * kaiming_std(t, a, mode, nonlinearity);
  uniform_(t, -bound, bound, rng);
}

void kaiming_normal_(const Tensor& t, Rng& rng, double a, FanMode mode, const std::string& nonlinearity) {
  normal_(t, 0.0, kaiming_std(t, a, mode, nonlinearity), rng);
}

void layer_default_(const Tensor& weight, const Tensor& bias, Rng& rng) {
  const double bound = 1.0 / std::sqrt(fans(weight).first);
  uniform_(weight, -bound, bound, rng);
  if (bias.defined()) uniform_(bias, -bound, bound, rng);
}

void scheme_(const Tensor& weight, const Tensor& bias, const std::string& scheme, const std::string& activation,
             Rng& rng) {
  if (scheme == "default") return;
  const bool leaky = activation == "leaky_relu";
  const char* nonlinearity = leaky ? "leaky_relu" : "relu";
  if (scheme == "xavier_normal") {
    xavier_normal_(weight, rng);
  } else if (scheme == "xavier_uniform") {
    xavier_uniform_(weight, rng);
  } else if (scheme == "kaiming_normal") {
    kaiming_normal_(weight, rng, leaky ? 0.01 : 0.0, FanMode::fan_in, nonlinearity);
  } else if (scheme == "kaiming_uniform") {
    kaiming_uniform_(weight, rng, leaky ? 0.01 : 0.0, FanMode::fan_in, nonlinearity);
  } else {
    NNLAB_CHECK(false, ConfigError,
                "unknown init '{}' (expected default, xavier_normal, xavier_uniform, kaiming_normal or "
                "kaiming_uniform)",
                scheme);
  }
  if (bias.defined()) zeros_(bias);
}

void scheme_(const Module& layer, const std::string& scheme, const std::string& activation, Rng& rng) {
  Tensor weight, bias;
  for (const auto& [name, parameter] : layer.named_parameters()) {
    if (name == "weight") weight = parameter;
    if (name == "bias") bias = parameter;
  }
  if (weight.defined() && weight.dim() >= 2) scheme_(weight, bias, scheme, activation, rng);
}

}  // namespace nnlab::nn::init
