#pragma once
// Adam, torch.optim.Adam (https://pytorch.org/docs/stable/generated/torch.optim.Adam.html):
// weight_decay is L2, added to the gradient. AdamW (adamw.h) decouples it.
#include <utility>

#include "nnlab/optim/optimizer.h"

namespace nnlab::optim {

struct AdamOptions {
  double lr = 1e-3;
  std::pair<double, double> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0;
  bool amsgrad = false;
};

// g = grad + weight_decay · w; m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²;
// w -= lr / (1 - β1^t) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps), v̂ = v or its running max (amsgrad).
// Throws ValueError for lr, eps or weight_decay < 0, or betas outside [0, 1).
class Adam final : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions options = {});
  // A group's lr and weight_decay, where set, replace the options' ones (torch's param_groups).
  Adam(std::vector<ParamGroup> groups, AdamOptions options = {});
  void step() override;
  const AdamOptions& options() const { return options_; }

 protected:
  std::array<std::string, 3> buffer_names() const override;

 private:
  AdamOptions options_;
};

namespace detail {
// The checks Adam and AdamW share; `where` names the optimiser.
void check_adam_options(const char* where, double eps, std::pair<double, double> betas);
}  // namespace detail

}  // namespace nnlab::optim
