// Activation modules: each forward is one op call.
#include "nnlab/nn/activations.h"

#include <fmt/format.h>

#include "nnlab/core/error.h"
#include "nnlab/ops/softmax.h"

namespace nnlab::nn {

Tensor ReLU::forward(const Tensor& x) { return ops::relu(x); }
Tensor Sigmoid::forward(const Tensor& x) { return ops::sigmoid(x); }
Tensor Tanh::forward(const Tensor& x) { return ops::tanh(x); }
Tensor Quadratic::forward(const Tensor& x) { return ops::quadratic(x); }

Tensor LeakyReLU::forward(const Tensor& x) { return ops::leaky_relu(x, options_.negative_slope); }
std::string LeakyReLU::describe() const { return fmt::format("LeakyReLU(negative_slope={})", options_.negative_slope); }

Tensor ELU::forward(const Tensor& x) { return ops::elu(x, options_.alpha); }
std::string ELU::describe() const { return fmt::format("ELU(alpha={})", options_.alpha); }

Tensor GELU::forward(const Tensor& x) { return ops::gelu(x, options_.approximate); }
std::string GELU::describe() const {
  return fmt::format("GELU(approximate='{}')", options_.approximate == ops::GeluApproximate::tanh ? "tanh" : "none");
}

Tensor Softmax::forward(const Tensor& x) { return ops::softmax(x, options_.dim); }
std::string Softmax::describe() const { return fmt::format("Softmax(dim={})", options_.dim); }

std::shared_ptr<Module> make_activation(const std::string& name) {
  if (name == "relu") return std::make_shared<ReLU>();
  if (name == "sigmoid") return std::make_shared<Sigmoid>();
  if (name == "tanh") return std::make_shared<Tanh>();
  if (name == "leaky_relu") return std::make_shared<LeakyReLU>();
  if (name == "elu") return std::make_shared<ELU>();
  if (name == "gelu") return std::make_shared<GELU>();
  if (name == "quadratic") return std::make_shared<Quadratic>();
  throw ConfigError(fmt::format(
      "unknown activation '{}' (expected relu, sigmoid, tanh, leaky_relu, elu, gelu or quadratic)", name));
}

}  // namespace nnlab::nn
