// Linear layer: torch.nn.Linear's parameters, initialisation and forward.
#include "nnlab/nn/linear.h"


#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/nn/init.h"
#include "nnlab/ops/linear.h"

namespace nnlab::nn {

Linear::Linear(const LinearOptions& options) : options_(options) {
  NNLAB_CHECK(options.in_features > 0 && options.out_features > 0, ValueError,
              "Linear: expected positive in_features and out_features, got in_features={}, out_features={}",
              options.in_features, options.out_features);
  weight_ = Tensor::empty({options.out_features, options.in_features}, options.dtype);
  if (options.bias) bias_ = Tensor::empty({options.out_features}, options.dtype);
  init::layer_default_(weight_, bias_, options.rng != nullptr ? *options.rng : global_rng());
  weight_ = register_parameter("weight", weight_);
  if (options.bias) bias_ = register_parameter("bias", bias_);
}

void Linear::check_input(const Tensor& x) const {
  NNLAB_CHECK(x.defined() && x.dim() >= 1 && x.size(-1) == options_.in_features, ShapeError,
              "{}: expected input of shape [*, {}], got {}", describe(), options_.in_features,
              x.defined() ? x.shape() : Shape{});
}

Tensor Linear::forward(const Tensor& x) {
  check_input(x);
  return ops::linear(x, weight_, bias_);
}

Tensor Linear::forward_relu(const Tensor& x) {
  check_input(x);
  return ops::linear_relu(x, weight_, bias_);
}

std::string Linear::describe() const {
  return fmt::format("Linear(in_features={}, out_features={}, bias={})", options_.in_features, options_.out_features,
                     options_.bias);
}

}  // namespace nnlab::nn
