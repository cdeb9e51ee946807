#pragma once
// AdamW, torch.optim.AdamW (https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html):
// Adam with decoupled weight decay, applied to the weights before the moment update.
#include "nnlab/optim/adam.h"

namespace nnlab::optim {

struct AdamWOptions {
  double lr = 1e-3;
  std::pair<double, double> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 1e-2;  // torch's default, unlike Adam's 0
  bool amsgrad = false;
};

// w *= 1 - lr · weight_decay, then Adam's update with the raw gradient.
// Throws ValueError as Adam does.
class AdamW final : public detail::AdamFamily {
 public:
  AdamW(std::vector<Tensor> params, AdamWOptions options = {});
  // A group's lr and weight_decay, where set, replace the options' ones (torch's param_groups).
  AdamW(std::vector<ParamGroup> groups, AdamWOptions options = {});
  const AdamWOptions& options() const { return options_; }

 private:
  AdamWOptions options_;
};

}  // namespace nnlab::optim
