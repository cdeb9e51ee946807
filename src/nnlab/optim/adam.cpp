// Adam: validation and one fused kernel call per parameter group.
#include "nnlab/optim/adam.h"

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"

namespace nnlab::optim {

void detail::check_adam_options(const char* where, double eps, std::pair<double, double> betas) {
  NNLAB_CHECK(eps >= 0, ValueError, "{}: eps must be non-negative, got {}", where, eps);
  NNLAB_CHECK(betas.first >= 0 && betas.first < 1, ValueError, "{}: betas[0] must be in [0, 1), got {}", where,
              betas.first);
  NNLAB_CHECK(betas.second >= 0 && betas.second < 1, ValueError, "{}: betas[1] must be in [0, 1), got {}", where,
              betas.second);
}

Adam::Adam(std::vector<Tensor> params, AdamOptions options)
    : Adam(single_group(std::move(params), options.lr, options.weight_decay), options) {}

Adam::Adam(std::vector<ParamGroup> groups, AdamOptions options)
    : Optimizer("Adam", with_options(std::move(groups), options.lr, options.weight_decay)), options_(options) {
  check_groups();
  detail::check_adam_options("Adam", options.eps, options.betas);
}

std::array<std::string, 3> Adam::buffer_names() const {
  return {"exp_avg", "exp_avg_sq", options_.amsgrad ? "max_exp_avg_sq" : ""};
}

void Adam::step() {
  NoGradGuard no_grad;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const auto slots = prepare_group(g);
    if (slots.empty()) continue;
    kernels::adam_step(group_dtype(g), slots,
                       {.lr = groups_[g].lr,
                        .beta1 = options_.betas.first,
                        .beta2 = options_.betas.second,
                        .eps = options_.eps,
                        .weight_decay = groups_[g].weight_decay,
                        .amsgrad = options_.amsgrad,
                        .decoupled = false});
  }
}

}  // namespace nnlab::optim
