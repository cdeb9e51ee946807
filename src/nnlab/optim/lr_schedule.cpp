// Learning-rate schedules: closed forms of the epoch, as torch's _get_closed_form_lr.
#include "nnlab/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/ranges.h>

#include "nnlab/core/check.h"

namespace nnlab::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
  for (ParamGroup& group : optimizer_.param_groups()) {
    if (!group.initial_lr) group.initial_lr = group.lr;
    base_lrs_.push_back(*group.initial_lr);
  }
}

LRScheduler::~LRScheduler() = default;

void LRScheduler::start() {
  last_epoch_ = 0;
  apply();
}

void LRScheduler::step() {
  ++last_epoch_;
  apply();
}

void LRScheduler::apply() {
  auto& groups = optimizer_.param_groups();
  last_lr_.resize(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    last_lr_[g] = lr_at(last_epoch_, g);
    groups[g].lr = last_lr_[g];
  }
}

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  NNLAB_CHECK(step_size >= 1, ValueError, "StepLR: step_size must be at least 1, got {}", step_size);
  start();
}

double StepLR::lr_at(std::int64_t epoch, std::size_t g) const {
  return base_lrs_[g] * std::pow(gamma_, static_cast<double>(epoch / step_size_));
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma)
    : LRScheduler(optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
  NNLAB_CHECK(std::is_sorted(milestones_.begin(), milestones_.end()), ValueError,
              "MultiStepLR: milestones must be increasing, got {}", fmt::join(milestones_, ", "));
  start();
}

double MultiStepLR::lr_at(std::int64_t epoch, std::size_t g) const {
  const auto passed = std::upper_bound(milestones_.begin(), milestones_.end(), epoch) - milestones_.begin();
  return base_lrs_[g] * std::pow(gamma_, static_cast<double>(passed));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : LRScheduler(optimizer), gamma_(gamma) { start(); }

double ExponentialLR::lr_at(std::int64_t epoch, std::size_t g) const {
  return base_lrs_[g] * std::pow(gamma_, static_cast<double>(epoch));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  NNLAB_CHECK(T_max >= 1, ValueError, "CosineAnnealingLR: T_max must be at least 1, got {}", T_max);
  start();
}

double CosineAnnealingLR::lr_at(std::int64_t epoch, std::size_t g) const {
  const double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(T_max_);
  return eta_min_ + (base_lrs_[g] - eta_min_) * (1 + std::cos(phase)) / 2;
}

LinearWarmup::LinearWarmup(Optimizer& optimizer, std::int64_t warmup_steps, double start_factor,
                           std::unique_ptr<LRScheduler> after)
    : LRScheduler(optimizer), warmup_steps_(warmup_steps), start_factor_(start_factor), after_(std::move(after)) {
  NNLAB_CHECK(warmup_steps >= 1, ValueError, "LinearWarmup: warmup_steps must be at least 1, got {}", warmup_steps);
  NNLAB_CHECK(start_factor > 0 && start_factor <= 1, ValueError,
              "LinearWarmup: start_factor must be in (0, 1], got {}", start_factor);
  start();
}

double LinearWarmup::lr_at(std::int64_t epoch, std::size_t g) const {
  if (epoch >= warmup_steps_) return after_ ? after_->lr_at(epoch - warmup_steps_, g) : base_lrs_[g];
  const double fraction = static_cast<double>(epoch) / static_cast<double>(warmup_steps_);
  return base_lrs_[g] * (start_factor_ + (1 - start_factor_) * fraction);
}

OneCycleLR::OneCycleLR(Optimizer& optimizer, OneCycleOptions options)
    : LRScheduler(optimizer), options_(options) {
  NNLAB_CHECK(options.total_steps >= 2, ValueError, "OneCycleLR: total_steps must be at least 2, got {}",
              options.total_steps);
  NNLAB_CHECK(options.max_lr > 0, ValueError, "OneCycleLR: max_lr must be positive, got {}", options.max_lr);
  NNLAB_CHECK(options.pct_start >= 0 && options.pct_start <= 1, ValueError,
              "OneCycleLR: pct_start must be in [0, 1], got {}", options.pct_start);
  NNLAB_CHECK(options.div_factor > 0 && options.final_div_factor > 0, ValueError,
              "OneCycleLR: div_factor and final_div_factor must be positive, got {} and {}", options.div_factor,
              options.final_div_factor);
  const double initial = options.max_lr / options.div_factor;
  const double min_lr = initial / options.final_div_factor;
  const double total = static_cast<double>(options.total_steps);
  const double up_end = options.pct_start * total - 1;
  if (options.three_phase) {
    phases_ = {{up_end, initial, options.max_lr},
               {2 * options.pct_start * total - 2, options.max_lr, initial},
               {total - 1, initial, min_lr}};
  } else {
    phases_ = {{up_end, initial, options.max_lr}, {total - 1, options.max_lr, min_lr}};
  }
  // The cycle starts at max_lr / div_factor whatever the groups' lr was, as torch.
  for (std::size_t g = 0; g < base_lrs_.size(); ++g) {
    base_lrs_[g] = initial;
    optimizer_.param_groups()[g].initial_lr = initial;
  }
  start();
}

double OneCycleLR::lr_at(std::int64_t epoch, std::size_t /*g*/) const {
  NNLAB_CHECK(epoch <= options_.total_steps, ValueError,
              "OneCycleLR: at most total_steps = {} steps, got step {}", options_.total_steps, epoch);
  const double step = static_cast<double>(epoch);
  double start_step = 0;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    const Phase& phase = phases_[i];
    if (step <= phase.end_step || i + 1 == phases_.size()) {
      const double pct = (step - start_step) / (phase.end_step - start_step);
      if (options_.anneal_cos) {
        return phase.end_lr + (phase.start_lr - phase.end_lr) / 2 * (std::cos(std::numbers::pi * pct) + 1);
      }
      return (phase.end_lr - phase.start_lr) * pct + phase.start_lr;
    }
    start_step = phase.end_step;
  }
  NNLAB_UNREACHABLE("OneCycleLR: no phase");
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options)
    : optimizer_(optimizer), options_(options) {
  NNLAB_CHECK(options.factor >= 0 && options.factor < 1, ValueError,
              "ReduceLROnPlateau: factor must be in [0, 1), got {}", options.factor);
  NNLAB_CHECK(options.patience >= 0 && options.cooldown >= 0, ValueError,
              "ReduceLROnPlateau: patience and cooldown must be non-negative, got {} and {}", options.patience,
              options.cooldown);
  best_ = options.mode_max ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  for (const ParamGroup& group : optimizer_.param_groups()) last_lr_.push_back(group.lr);
}

bool ReduceLROnPlateau::is_better(double metric) const {
  const double t = options_.threshold;
  if (options_.mode_max) return options_.threshold_abs ? metric > best_ + t : metric > best_ * (1 + t);
  return options_.threshold_abs ? metric < best_ - t : metric < best_ * (1 - t);
}

void ReduceLROnPlateau::step(double metric) {
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs during cooldown do not count
  }
  auto& groups = optimizer_.param_groups();
  if (num_bad_epochs_ > options_.patience) {
    for (ParamGroup& group : groups) {
      const double reduced = std::max(group.lr * options_.factor, options_.min_lr);
      if (group.lr - reduced > options_.eps) group.lr = reduced;
    }
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (const ParamGroup& group : groups) last_lr_.push_back(group.lr);
}

}  // namespace nnlab::optim
