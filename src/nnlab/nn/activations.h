#pragma once
// Activation modules, as torch.nn.ReLU, Sigmoid, Tanh, LeakyReLU, ELU, GELU and Softmax, and
// nnlab's Quadratic (x (1 - x), E5). Each forward is one call to the op of the same name in
// ops/activation.h or ops/softmax.h, and keeps the input's shape.
#include <cstdint>

#include <memory>
#include <string>

#include "nnlab/nn/module.h"
#include "nnlab/ops/activation.h"

namespace nnlab::nn {

class ReLU final : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "ReLU()"; }
};

class Sigmoid final : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Sigmoid()"; }
};

class Tanh final : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Tanh()"; }
};

// x (1 - x): no torch counterpart. A one-hidden-layer network with it is a linear model in the
// quadratic features of its input (E5).
class Quadratic final : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Quadratic()"; }
};

struct LeakyReLUOptions {
  double negative_slope = 0.01;
};

class LeakyReLU final : public Module {
 public:
  explicit LeakyReLU(const LeakyReLUOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

 private:
  LeakyReLUOptions options_;
};

struct ELUOptions {
  double alpha = 1.0;
};

class ELU final : public Module {
 public:
  explicit ELU(const ELUOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

 private:
  ELUOptions options_;
};

struct GELUOptions {
  ops::GeluApproximate approximate = ops::GeluApproximate::none;
};

class GELU final : public Module {
 public:
  explicit GELU(const GELUOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

 private:
  GELUOptions options_;
};

// torch.nn.Softmax's dim has no usable default (None picks a dim implicitly and is deprecated);
// -1, the class dim of (N, C) logits, is the value every caller of ours passes.
struct SoftmaxOptions {
  std::int64_t dim = -1;
};

class Softmax final : public Module {
 public:
  explicit Softmax(const SoftmaxOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

 private:
  SoftmaxOptions options_;
};

// The activation layer called `name` with default options: relu, sigmoid, tanh, leaky_relu,
// elu, gelu or quadratic (the names configs use). Throws ConfigError listing them for any other
// name.
std::shared_ptr<Module> make_activation(const std::string& name);

}  // namespace nnlab::nn
