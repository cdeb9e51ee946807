#pragma once
// Adagrad, torch.optim.Adagrad (https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html).
#include "nnlab/optim/optimizer.h"

namespace nnlab::optim {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
};

// g = grad + weight_decay · w; s += g² (s starts at initial_accumulator_value);
// w -= lr / (1 + (t - 1) · lr_decay) · g / (sqrt(s) + eps), t the parameter's step count.
// Throws ValueError for negative lr, lr_decay, weight_decay, initial_accumulator_value or eps.
class Adagrad final : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> params, AdagradOptions options = {});
  // A group's lr and weight_decay, where set, replace the options' ones (torch's param_groups).
  Adagrad(std::vector<ParamGroup> groups, AdagradOptions options = {});
  void step() override;
  const AdagradOptions& options() const { return options_; }

 protected:
  std::array<std::string, 3> buffer_names() const override;
  double initial_buffer_value(int buffer) const override;

 private:
  AdagradOptions options_;
};

}  // namespace nnlab::optim
