#pragma once
// Learning-rate schedules, torch.optim.lr_scheduler
// (https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate). Each sets the lr
// of every parameter group of its optimiser when constructed (epoch 0) and on every step().
// Lrs come from closed forms of the epoch and each group's initial_lr, which equal torch's
// chained updates while nothing else changes the lr.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/optim/optimizer.h"

namespace nnlab::optim {

class LRScheduler {
 public:
  virtual ~LRScheduler();
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  // Advances one epoch (or step) and sets every group's lr.
  void step();
  // The lrs the last step (or the constructor) set, one per group.
  const std::vector<double>& last_lr() const { return last_lr_; }
  std::int64_t last_epoch() const { return last_epoch_; }
  // The lr of group g at `epoch`, from base_lrs()[g].
  virtual double lr_at(std::int64_t epoch, std::size_t g) const = 0;
  // Each group's initial_lr, recorded by the first schedule attached to the optimiser.
  const std::vector<double>& base_lrs() const { return base_lrs_; }

 protected:
  // Records base_lrs (setting initial_lr = lr on groups that lack one). The subclass
  // constructor ends with start(), which applies epoch 0.
  explicit LRScheduler(Optimizer& optimizer);
  void start();

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;

 private:
  void apply();
  std::int64_t last_epoch_ = 0;
  std::vector<double> last_lr_;
};

// lr = base · gamma^⌊epoch / step_size⌋. Throws ValueError for step_size < 1.
class StepLR final : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);
  double lr_at(std::int64_t epoch, std::size_t g) const override;

 private:
  std::int64_t step_size_;
  double gamma_;
};

// lr = base · gamma^(number of milestones <= epoch). Throws ValueError unless milestones increase.
class MultiStepLR final : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma = 0.1);
  double lr_at(std::int64_t epoch, std::size_t g) const override;

 private:
  std::vector<std::int64_t> milestones_;
  double gamma_;
};

// lr = base · gamma^epoch.
class ExponentialLR final : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);
  double lr_at(std::int64_t epoch, std::size_t g) const override;

 private:
  double gamma_;
};

// lr = eta_min + (base - eta_min) · (1 + cos(π · epoch / T_max)) / 2 (no restarts).
// Throws ValueError for T_max < 1.
class CosineAnnealingLR final : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min = 0);
  double lr_at(std::int64_t epoch, std::size_t g) const override;

 private:
  std::int64_t T_max_;
  double eta_min_;
};

// Linear warm-up over warmup_steps from base · start_factor to base, then `after` (if given)
// from its own epoch 0: torch's SequentialLR([LinearLR(start_factor, total_iters=warmup_steps),
// after], milestones=[warmup_steps]). Construct `after` first, on the same optimiser.
// Throws ValueError for warmup_steps < 1 or start_factor outside (0, 1].
class LinearWarmup final : public LRScheduler {
 public:
  LinearWarmup(Optimizer& optimizer, std::int64_t warmup_steps, double start_factor = 1.0 / 3,
               std::unique_ptr<LRScheduler> after = nullptr);
  double lr_at(std::int64_t epoch, std::size_t g) const override;

 private:
  std::int64_t warmup_steps_;
  double start_factor_;
  std::unique_ptr<LRScheduler> after_;
};

struct OneCycleOptions {
  double max_lr = 0;
  std::int64_t total_steps = 0;
  double pct_start = 0.3;
  bool anneal_cos = true;  // false: linear annealing (torch's anneal_strategy="linear")
  double div_factor = 25;
  double final_div_factor = 1e4;
  bool three_phase = false;
};

// torch.optim.lr_scheduler.OneCycleLR without momentum cycling (cycle_momentum=False): lr goes
// from max_lr / div_factor up to max_lr over pct_start of total_steps, then down to
// max_lr / div_factor / final_div_factor (three_phase: back to the start first).
// Throws ValueError for bad options, and on a step past total_steps.
class OneCycleLR final : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, OneCycleOptions options);
  double lr_at(std::int64_t epoch, std::size_t g) const override;

 private:
  struct Phase {
    double end_step, start_lr, end_lr;
  };
  OneCycleOptions options_;
  std::vector<Phase> phases_;
};

struct ReduceLROnPlateauOptions {
  bool mode_max = false;  // false: "min" (a lower metric is better); true: "max"
  double factor = 0.1;
  std::int64_t patience = 10;
  double threshold = 1e-4;
  bool threshold_abs = false;  // false: "rel"; true: "abs"
  std::int64_t cooldown = 0;
  double min_lr = 0;
  double eps = 1e-8;  // a reduction smaller than eps is ignored
};

// torch.optim.lr_scheduler.ReduceLROnPlateau: multiplies every group's lr by factor (not
// below min_lr) once the metric has not improved for more than `patience` steps, then waits
// `cooldown` steps. Throws ValueError for factor outside [0, 1) or negative patience/cooldown.
class ReduceLROnPlateau {
 public:
  ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options = {});
  void step(double metric);
  const std::vector<double>& last_lr() const { return last_lr_; }

 private:
  bool is_better(double metric) const;
  Optimizer& optimizer_;
  ReduceLROnPlateauOptions options_;
  double best_;
  std::int64_t num_bad_epochs_ = 0;
  std::int64_t cooldown_counter_ = 0;
  std::vector<double> last_lr_;
};

}  // namespace nnlab::optim
