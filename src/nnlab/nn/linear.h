#pragma once
// Linear: y = x · weightᵀ + bias, as torch.nn.Linear.
#include <cstdint>

#include "nnlab/core/rng.h"
#include "nnlab/nn/module.h"

namespace nnlab::nn {

struct LinearOptions {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  bool bias = true;
  DType dtype = DType::f32;
  Rng* rng = nullptr;  // the initialisation draws; null means global_rng()
};

// Parameters "weight" (out_features, in_features) and "bias" (out_features), both drawn from
// U(±1/sqrt(in_features)). x (*, in_features) -> (*, out_features).
// Throws ValueError for non-positive sizes; forward throws ShapeError naming the layer.
// https://pytorch.org/docs/stable/generated/torch.nn.Linear.html
class Linear final : public Module {
 public:
  explicit Linear(const LinearOptions& options);
  Tensor forward(const Tensor& x) override;
  // relu(forward(x)) as one op (ops::linear_relu): what Sequential runs for Linear, ReLU.
  Tensor forward_relu(const Tensor& x);
  std::string describe() const override;

  const LinearOptions& options() const { return options_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined when options.bias is false

 private:
  void check_input(const Tensor& x) const;  // ShapeError naming the layer

  LinearOptions options_;
  Tensor weight_;
  Tensor bias_;
};

}  // namespace nnlab::nn
