// AdamW: Adam's kernel with the decoupled decay switched on.
#include "nnlab/optim/adamw.h"

#include "nnlab/autograd/grad_mode.h"

namespace nnlab::optim {

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions options)
    : AdamW(single_group(std::move(params), options.lr, options.weight_decay), options) {}

AdamW::AdamW(std::vector<ParamGroup> groups, AdamWOptions options)
    : Optimizer("AdamW", with_options(std::move(groups), options.lr, options.weight_decay)), options_(options) {
  check_groups();
  detail::check_adam_options("AdamW", options.eps, options.betas);
}

std::array<std::string, 3> AdamW::buffer_names() const {
  return {"exp_avg", "exp_avg_sq", options_.amsgrad ? "max_exp_avg_sq" : ""};
}

void AdamW::step() {
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
                        .decoupled = true});
  }
}

}  // namespace nnlab::optim
