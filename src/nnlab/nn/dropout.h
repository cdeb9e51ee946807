#pragma once
// Dropout: inverted dropout in training mode, the identity in eval mode, as torch.nn.Dropout.
#include "nnlab/core/rng.h"
#include "nnlab/nn/module.h"

namespace nnlab::nn {

struct DropoutOptions {
  double p = 0.5;
  Rng* rng = nullptr;  // the mask draws; null means global_rng(). Must outlive the layer.
};

// Throws ValueError for p outside [0, 1]. https://pytorch.org/docs/stable/generated/torch.nn.Dropout.html
class Dropout final : public Module {
 public:
  explicit Dropout(const DropoutOptions& options = {});
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

 private:
  DropoutOptions options_;
};

}  // namespace nnlab::nn
