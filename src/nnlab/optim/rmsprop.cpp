// RMSprop: validation and one fused kernel call per parameter group.
#include "nnlab/optim/rmsprop.h"

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"

namespace nnlab::optim {

RMSprop::RMSprop(std::vector<Tensor> params, RMSpropOptions options)
    : RMSprop(single_group(std::move(params), options.lr, options.weight_decay), options) {}

RMSprop::RMSprop(std::vector<ParamGroup> groups, RMSpropOptions options)
    : Optimizer("RMSprop", with_options(std::move(groups), options.lr, options.weight_decay)), options_(options) {
  check_groups();
  NNLAB_CHECK(options.alpha >= 0, ValueError, "RMSprop: alpha must be non-negative, got {}", options.alpha);
  NNLAB_CHECK(options.eps >= 0, ValueError, "RMSprop: eps must be non-negative, got {}", options.eps);
  NNLAB_CHECK(options.momentum >= 0, ValueError, "RMSprop: momentum must be non-negative, got {}", options.momentum);
}

std::array<std::string, 3> RMSprop::buffer_names() const {
  return {"square_avg", options_.momentum > 0 ? "momentum_buffer" : "", options_.centered ? "grad_avg" : ""};
}

void RMSprop::step() {
  NoGradGuard no_grad;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const auto slots = prepare_group(g);
    if (slots.empty()) continue;
    kernels::rmsprop_step(group_dtype(g), slots,
                          {.lr = groups_[g].lr,
                           .alpha = options_.alpha,
                           .eps = options_.eps,
                           .weight_decay = groups_[g].weight_decay,
                           .momentum = options_.momentum,
                           .centered = options_.centered});
  }
}

}  // namespace nnlab::optim
