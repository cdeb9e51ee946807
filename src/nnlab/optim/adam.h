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

namespace detail {
// What Adam and AdamW share: they differ only in how weight decay enters the update.
// Throws ValueError for lr, eps or weight_decay < 0, or betas outside [0, 1).
class AdamFamily : public Optimizer {
 public:
  void step() override;

 protected:
  AdamFamily(const char* where, std::vector<ParamGroup> groups, std::pair<double, double> betas, double eps,
             bool amsgrad, bool decoupled);
  std::array<std::string, 3> buffer_names() const override;

 private:
  std::pair<double, double> betas_;
  double eps_;
  bool amsgrad_;
  bool decoupled_;
};
}  // namespace detail

// g = grad + weight_decay · w; m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²;
// w -= lr / (1 - β1^t) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps), v̂ = v or its running max (amsgrad).
class Adam final : public detail::AdamFamily {
 public:
  Adam(std::vector<Tensor> params, AdamOptions options = {});
  // A group's lr and weight_decay, where set, replace the options' ones (torch's param_groups).
  Adam(std::vector<ParamGroup> groups, AdamOptions options = {});
  const AdamOptions& options() const { return options_; }

 private:
  AdamOptions options_;
};

}  // namespace nnlab::optim
