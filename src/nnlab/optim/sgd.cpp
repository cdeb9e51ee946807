// SGD: validation and one fused kernel call per parameter group.
#include "nnlab/optim/sgd.h"

#include <cmath>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"

namespace nnlab::optim {

SGD::SGD(std::vector<Tensor> params, SGDOptions options)
    : SGD(single_group(std::move(params), options.lr, options.weight_decay), options) {}

SGD::SGD(std::vector<ParamGroup> groups, SGDOptions options)
    : Optimizer("SGD", with_options(std::move(groups), options.lr, options.weight_decay)), options_(options) {
  for (const ParamGroup& group : groups_) {
    NNLAB_CHECK(!std::isnan(group.lr), ValueError, "SGD: lr is required, got none");
  }
  check_groups();
  NNLAB_CHECK(options.momentum >= 0, ValueError, "SGD: momentum must be non-negative, got {}", options.momentum);
  NNLAB_CHECK(options.l1 >= 0, ValueError, "SGD: l1 must be non-negative, got {}", options.l1);
  NNLAB_CHECK(!options.nesterov || (options.momentum > 0 && options.dampening == 0), ValueError,
              "SGD: nesterov needs momentum > 0 and dampening = 0, got momentum {} and dampening {}",
              options.momentum, options.dampening);
}

std::array<std::string, 3> SGD::buffer_names() const {
  return {options_.momentum != 0 ? "momentum_buffer" : "", "", ""};
}

void SGD::step() {
  NoGradGuard no_grad;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const auto slots = prepare_group(g);
    if (slots.empty()) continue;
    kernels::sgd_step(group_dtype(g), slots,
                      {.lr = groups_[g].lr,
                       .momentum = options_.momentum,
                       .dampening = options_.dampening,
                       .weight_decay = groups_[g].weight_decay,
                       .l1 = options_.l1,
                       .nesterov = options_.nesterov});
  }
}

}  // namespace nnlab::optim
