#pragma once
// The optimiser and learning-rate schedule of an experiment, from [optim] and [schedule].
#include <cstdint>
#include <memory>

#include "nnlab/io/config.h"
#include "nnlab/nn/module.h"
#include "nnlab/optim/optimizer.h"
#include "nnlab/train/trainer.h"

namespace nnlab::lab {

// Over the model's trainable parameters (frozen ones are left out), in parameter groups: one
// per [optim.lr_by_prefix] entry (a parameter joins the first prefix it starts with), then the
// rest at optim.lr. Throws ConfigError for a prefix that matches no trainable parameter, and
// when no parameter is trainable at all.
std::unique_ptr<optim::Optimizer> build_optimizer(const io::OptimConfig& config, const nn::Module& model);

// `steps_per_epoch` sizes OneCycleLR and the warm-up; `epochs` sizes cosine and onecycle.
train::Schedule build_schedule(const io::ScheduleConfig& config, optim::Optimizer& optimizer, double base_lr,
                               std::int64_t epochs, std::int64_t steps_per_epoch);

}  // namespace nnlab::lab
