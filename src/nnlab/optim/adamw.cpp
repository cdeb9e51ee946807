// AdamW: Adam's kernel with the decoupled decay switched on (the update lives in adam.cpp).
#include "nnlab/optim/adamw.h"

namespace nnlab::optim {

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions options)
    : AdamW(single_group(std::move(params), options.lr, options.weight_decay), options) {}

AdamW::AdamW(std::vector<ParamGroup> groups, AdamWOptions options)
    : AdamFamily("AdamW", with_options(std::move(groups), options.lr, options.weight_decay), options.betas,
                 options.eps, options.amsgrad, /*decoupled=*/true),
      options_(options) {}

}  // namespace nnlab::optim
