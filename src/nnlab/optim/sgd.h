#pragma once
// Stochastic gradient descent with momentum, torch.optim.SGD
// (https://pytorch.org/docs/stable/generated/torch.optim.SGD.html), plus an L1 term.
#include <limits>

#include "nnlab/optim/optimizer.h"

namespace nnlab::optim {

struct SGDOptions {
  double lr = std::numeric_limits<double>::quiet_NaN();  // required, as in torch: no default
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;  // L2: adds weight_decay · w to the gradient
  bool nesterov = false;
  double l1 = 0;  // adds l1 · sign(w) to the gradient (not in torch; 0 leaves torch's update)
};

// g = grad + weight_decay · w + l1 · sign(w); b = g on a parameter's first step, then
// b = momentum · b + (1 - dampening) · g; w -= lr · (nesterov ? g + momentum · b : b).
// Throws ValueError for a missing lr, negative lr, momentum, weight_decay or l1, or nesterov without
// momentum > 0 and dampening = 0.
class SGD final : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SGDOptions options);
  // A group's lr and weight_decay, where set, replace the options' ones (torch's param_groups).
  SGD(std::vector<ParamGroup> groups, SGDOptions options);
  void step() override;
  const SGDOptions& options() const { return options_; }

 protected:
  std::array<std::string, 3> buffer_names() const override;

 private:
  SGDOptions options_;
};

}  // namespace nnlab::optim
