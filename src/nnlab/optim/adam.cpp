// Adam and AdamW: validation and one fused kernel call per parameter group.
#include "nnlab/optim/adam.h"

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"

namespace nnlab::optim {

detail::AdamFamily::AdamFamily(const char* where, std::vector<ParamGroup> groups, std::pair<double, double> betas,
                               double eps, bool amsgrad, bool decoupled)
    : Optimizer(where, std::move(groups)), betas_(betas), eps_(eps), amsgrad_(amsgrad), decoupled_(decoupled) {
  check_groups();
  NNLAB_CHECK(eps >= 0, ValueError, "{}: eps must be non-negative, got {}", where, eps);
  NNLAB_CHECK(betas.first >= 0 && betas.first < 1, ValueError, "{}: betas[0] must be in [0, 1), got {}", where,
              betas.first);
  NNLAB_CHECK(betas.second >= 0 && betas.second < 1, ValueError, "{}: betas[1] must be in [0, 1), got {}", where,
              betas.second);
}

std::array<std::string, 3> detail::AdamFamily::buffer_names() const {
  return {"exp_avg", "exp_avg_sq", amsgrad_ ? "max_exp_avg_sq" : ""};
}

void detail::AdamFamily::step() {
  NoGradGuard no_grad;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const auto slots = prepare_group(g);
    if (slots.empty()) continue;
    kernels::adam_step(group_dtype(g), slots,
                       {.lr = groups_[g].lr,
                        .beta1 = betas_.first,
                        .beta2 = betas_.second,
                        .eps = eps_,
                        .weight_decay = groups_[g].weight_decay,
                        .amsgrad = amsgrad_,
                        .decoupled = decoupled_});
  }
}

Adam::Adam(std::vector<Tensor> params, AdamOptions options)
    : Adam(single_group(std::move(params), options.lr, options.weight_decay), options) {}

Adam::Adam(std::vector<ParamGroup> groups, AdamOptions options)
    : AdamFamily("Adam", with_options(std::move(groups), options.lr, options.weight_decay), options.betas,
                 options.eps, options.amsgrad, /*decoupled=*/false),
      options_(options) {}

}  // namespace nnlab::optim
