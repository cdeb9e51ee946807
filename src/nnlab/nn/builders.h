#pragma once
// Ready-made models of the course experiments: MLPs of any shape, logistic (softmax)
// regression, and the multi-class perceptron with its mistake-driven update rule.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/core/rng.h"
#include "nnlab/nn/sequential.h"

namespace nnlab::nn {

struct MlpOptions {
  std::int64_t in_features = 0;
  std::vector<std::int64_t> hidden = {};  // one Linear per entry, then the output Linear
  std::int64_t out_features = 0;
  std::string activation = "relu";  // relu, sigmoid, tanh, leaky_relu, elu, gelu, quadratic
  bool batchnorm = false;           // BatchNorm1d after each hidden Linear, before the activation
  double dropout = 0.0;             // Dropout after each hidden activation when > 0
  // "default" (torch.nn.Linear's U(±1/sqrt(in))), "xavier_normal", "xavier_uniform" (gain 1),
  // "kaiming_normal" or "kaiming_uniform" (relu gain, fan_in); the non-default schemes zero the
  // biases.
  std::string init = "default";
  DType dtype = DType::f32;
  Rng* rng = nullptr;  // initialisation and dropout draws; null means global_rng()
};

// Linear -> [BatchNorm1d] -> activation -> [Dropout] per hidden size, then Linear, named
// "0", "1", ... as torch.nn.Sequential names them. Throws ConfigError for an unknown activation
// or init, or a non-positive size.
std::shared_ptr<Sequential> mlp(const MlpOptions& options);

// One Linear layer in -> classes: softmax regression when trained with cross_entropy.
std::shared_ptr<Sequential> logistic_regression(std::int64_t in_features, std::int64_t classes,
                                                DType dtype = DType::f32);

// The multi-class perceptron: scores = x Wᵀ + b, weight (classes, in_features) and bias start at 0.
class Perceptron final : public Module {
 public:
  Perceptron(std::int64_t in_features, std::int64_t classes, DType dtype = DType::f32);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }

 private:
  Tensor weight_;
  Tensor bias_;
};

// The classic perceptron rule, one example at a time in row order, no gradients: when the
// predicted class p (first arg max of the scores) differs from the label y,
// W[y] += lr·x, W[p] -= lr·x, b[y] += lr, b[p] -= lr. x (N, in_features), y (N) int64.
// Returns the number of mistakes made during the pass.
std::int64_t perceptron_update(Perceptron& model, const Tensor& x, const Tensor& y, double lr = 1.0);

}  // namespace nnlab::nn
