#pragma once
// RMSprop, torch.optim.RMSprop (https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html).
#include "nnlab/optim/optimizer.h"

namespace nnlab::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
};

// g = grad + weight_decay · w; s = α s + (1-α) g²; d = sqrt(s - a²) + eps with
// a = α a + (1-α) g when centered, else sqrt(s) + eps; then w -= lr · b with
// b = momentum · b + g / d if momentum > 0, else w -= lr · g / d.
// Throws ValueError for negative lr, alpha, eps, weight_decay or momentum.
class RMSprop final : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, RMSpropOptions options = {});
  // A group's lr and weight_decay, where set, replace the options' ones (torch's param_groups).
  RMSprop(std::vector<ParamGroup> groups, RMSpropOptions options = {});
  void step() override;
  const RMSpropOptions& options() const { return options_; }

 protected:
  std::array<std::string, 3> buffer_names() const override;

 private:
  RMSpropOptions options_;
};

}  // namespace nnlab::optim
