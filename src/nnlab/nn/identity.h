#pragma once
// Identity: returns its input, as torch.nn.Identity (a placeholder in built models).
#include "nnlab/nn/module.h"

namespace nnlab::nn {

class Identity final : public Module {
 public:
  Tensor forward(const Tensor& x) override { return x; }
  std::string describe() const override { return "Identity()"; }
};

}  // namespace nnlab::nn
