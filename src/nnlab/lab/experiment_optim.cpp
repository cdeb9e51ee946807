#include "nnlab/lab/experiment_optim.h"

#include <utility>

#include "nnlab/core/check.h"
#include "nnlab/optim/adagrad.h"
#include "nnlab/optim/adam.h"
#include "nnlab/optim/adamw.h"
#include "nnlab/optim/rmsprop.h"
#include "nnlab/optim/sgd.h"

namespace nnlab::lab {
namespace {

std::vector<optim::ParamGroup> parameter_groups(const io::OptimConfig& c, const nn::Module& model) {
  std::vector<optim::ParamGroup> groups(c.lr_by_prefix.size() + 1);
  for (std::size_t g = 0; g < c.lr_by_prefix.size(); ++g) groups[g].lr = c.lr_by_prefix[g].second;
  bool any = false;
  for (const auto& [name, param] : model.named_parameters()) {
    if (!param.requires_grad()) continue;
    any = true;
    std::size_t g = 0;
    while (g < c.lr_by_prefix.size() && !name.starts_with(c.lr_by_prefix[g].first)) ++g;
    groups[g].params.push_back(param);
  }
  NNLAB_CHECK(any, ConfigError, "[model] freeze: every parameter is frozen, so there is nothing to train");
  for (std::size_t g = 0; g < c.lr_by_prefix.size(); ++g) {
    NNLAB_CHECK(!groups[g].params.empty(), ConfigError,
                "[optim.lr_by_prefix] '{}': no trainable parameter name starts with it", c.lr_by_prefix[g].first);
  }
  if (groups.back().params.empty()) groups.pop_back();  // every parameter has a prefix of its own
  return groups;
}

}  // namespace

std::unique_ptr<optim::Optimizer> build_optimizer(const io::OptimConfig& c, const nn::Module& model) {
  std::vector<optim::ParamGroup> groups = parameter_groups(c, model);
  if (c.name == "sgd") {
    return std::make_unique<optim::SGD>(
        std::move(groups),
        optim::SGDOptions{
            .lr = c.lr, .momentum = c.momentum, .weight_decay = c.weight_decay, .nesterov = c.nesterov, .l1 = c.l1});
  }
  if (c.name == "adam") {
    return std::make_unique<optim::Adam>(
        std::move(groups),
        optim::AdamOptions{.lr = c.lr, .betas = {c.beta1, c.beta2}, .eps = c.eps, .weight_decay = c.weight_decay});
  }
  if (c.name == "adamw") {
    return std::make_unique<optim::AdamW>(
        std::move(groups),
        optim::AdamWOptions{.lr = c.lr, .betas = {c.beta1, c.beta2}, .eps = c.eps, .weight_decay = c.weight_decay});
  }
  if (c.name == "rmsprop") {
    return std::make_unique<optim::RMSprop>(
        std::move(groups),
        optim::RMSpropOptions{
            .lr = c.lr, .alpha = c.alpha, .eps = c.eps, .weight_decay = c.weight_decay, .momentum = c.momentum});
  }
  NNLAB_CHECK(c.name == "adagrad", ConfigError, "[optim] name: unknown optimiser '{}'", c.name);
  return std::make_unique<optim::Adagrad>(
      std::move(groups), optim::AdagradOptions{.lr = c.lr, .weight_decay = c.weight_decay, .eps = c.eps});
}

train::Schedule build_schedule(const io::ScheduleConfig& c, optim::Optimizer& optimizer, double base_lr,
                               std::int64_t epochs, std::int64_t steps_per_epoch) {
  train::Schedule schedule;
  if (c.name == "plateau") {
    schedule.plateau = std::make_unique<optim::ReduceLROnPlateau>(
        optimizer, optim::ReduceLROnPlateauOptions{.factor = c.factor, .patience = c.patience});
    return schedule;
  }
  if (c.name == "onecycle") {
    NNLAB_CHECK(c.warmup_epochs == 0, ConfigError,
                "[schedule] warmup_epochs: onecycle warms up by itself; set warmup_epochs = 0");
    schedule.scheduler = std::make_unique<optim::OneCycleLR>(
        optimizer,
        optim::OneCycleOptions{.max_lr = c.max_lr > 0 ? c.max_lr : base_lr, .total_steps = epochs * steps_per_epoch});
    schedule.per_step = true;
    return schedule;
  }
  std::unique_ptr<optim::LRScheduler> after;
  if (c.name == "step") after = std::make_unique<optim::StepLR>(optimizer, c.step_size, c.gamma);
  if (c.name == "multistep") after = std::make_unique<optim::MultiStepLR>(optimizer, c.milestones, c.gamma);
  if (c.name == "exponential") after = std::make_unique<optim::ExponentialLR>(optimizer, c.gamma);
  if (c.name == "cosine") after = std::make_unique<optim::CosineAnnealingLR>(optimizer, epochs, c.min_lr);
  NNLAB_CHECK(after || c.name == "none", ConfigError, "[schedule] name: unknown schedule '{}'", c.name);
  if (c.warmup_epochs > 0) {
    schedule.scheduler = std::make_unique<optim::LinearWarmup>(optimizer, c.warmup_epochs, 1.0 / 3, std::move(after));
  } else {
    schedule.scheduler = std::move(after);
  }
  return schedule;
}

}  // namespace nnlab::lab
