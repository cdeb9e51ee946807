// Adagrad: validation and one fused kernel call per parameter group.
#include "nnlab/optim/adagrad.h"

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"

namespace nnlab::optim {

Adagrad::Adagrad(std::vector<Tensor> params, AdagradOptions options)
    : Adagrad(single_group(std::move(params), options.lr, options.weight_decay), options) {}

Adagrad::Adagrad(std::vector<ParamGroup> groups, AdagradOptions options)
    : Optimizer("Adagrad", with_options(std::move(groups), options.lr, options.weight_decay)), options_(options) {
  check_groups();
  NNLAB_CHECK(options.lr_decay >= 0, ValueError, "Adagrad: lr_decay must be non-negative, got {}", options.lr_decay);
  NNLAB_CHECK(options.initial_accumulator_value >= 0, ValueError,
              "Adagrad: initial_accumulator_value must be non-negative, got {}", options.initial_accumulator_value);
  NNLAB_CHECK(options.eps >= 0, ValueError, "Adagrad: eps must be non-negative, got {}", options.eps);
}

std::array<std::string, 3> Adagrad::buffer_names() const { return {"sum", "", ""}; }

double Adagrad::initial_buffer_value(int /*buffer*/) const { return options_.initial_accumulator_value; }

void Adagrad::step() {
  NoGradGuard no_grad;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const auto slots = prepare_group(g);
    if (slots.empty()) continue;
    kernels::adagrad_step(group_dtype(g), slots,
                          {.lr = groups_[g].lr,
                           .lr_decay = options_.lr_decay,
                           .eps = options_.eps,
                           .weight_decay = groups_[g].weight_decay});
  }
}

}  // namespace nnlab::optim
