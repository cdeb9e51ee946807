#pragma once
// Trainer: the epoch loop every experiment shares. Forward, loss, backward, optional gradient
// clipping, optimiser step; the lr schedule; evaluation on validation and test splits; early
// stopping; a stop with a clear message when the loss stops being finite. Every number it
// produces goes into its metrics stream; what happens around it (progress output, logs,
// checkpoints, probes) plugs in as Callbacks and MetricsSinks.
#include <cstdint>
#include <memory>
#include <vector>

#include "nnlab/data/loader.h"
#include "nnlab/nn/module.h"
#include "nnlab/optim/lr_schedule.h"
#include "nnlab/optim/optimizer.h"
#include "nnlab/train/callback.h"
#include "nnlab/train/metrics.h"
#include "nnlab/train/objective.h"

namespace nnlab::train {

struct TrainerOptions {
  std::int64_t epochs = 10;
  std::int64_t early_stopping = 0;  // > 0: stop after this many epochs without a lower val loss
  double clip_grad_norm = 0.0;      // > 0: rescale gradients to at most this total L2 norm
  std::int64_t eval_batch_size = 1000;
  std::int64_t first_epoch = 1;  // > 1 when resuming: epochs before it are already done
  std::int64_t first_step = 0;   // optimiser steps already done when resuming
  bool record_steps = false;     // also record "step/loss" and "step/lr" at every optimiser step
  // > 0: stop after this epoch with StopReason::paused (a sweep's rung); the schedule still spans
  // `epochs`, so resuming gives the same run as never stopping.
  std::int64_t pause_after_epoch = 0;
};

// How the learning rate changes: a schedule stepped once per epoch or once per optimiser step
// (OneCycleLR), or ReduceLROnPlateau stepped with the epoch's validation loss (train loss
// without validation). All optional.
struct Schedule {
  std::unique_ptr<optim::LRScheduler> scheduler;
  bool per_step = false;
  std::unique_ptr<optim::ReduceLROnPlateau> plateau;
};

class Trainer {
 public:
  // The model, optimiser and callbacks are borrowed and must outlive fit().
  Trainer(nn::Module& model, optim::Optimizer& optimizer, Objective objective, TrainerOptions options,
          Schedule schedule = {});

  void add_callback(Callback& callback) { callbacks_.push_back(&callback); }
  // Where the Trainer and its probes record: add sinks before fit().
  MetricsStream& metrics() { return metrics_; }

  // Trains for epochs first_epoch..options.epochs, drawing batches from `train` (whose epoch
  // orders continue where a resumed run stopped) and evaluating on `val` and `test` after each
  // epoch (empty datasets are skipped). A NaN or infinite loss stops the run before that step
  // is applied; the result then says where and the last finite loss. Errors of the model or
  // data propagate.
  TrainResult fit(data::DataLoader& train, const data::Dataset& val, const data::Dataset& test);

 private:
  // Runs one epoch; returns false when the loss stopped being finite (result_ says where).
  bool train_epoch(data::DataLoader& loader, std::int64_t epoch, EpochMetrics& metrics);
  // Evaluates on val and test, then records the epoch's numbers.
  void finish_epoch(EpochMetrics& metrics, const data::Dataset& val, const data::Dataset& test, double epoch_seconds,
                    double seconds);
  void step_schedule(const EpochMetrics& metrics);
  double current_lr() const;

  nn::Module& model_;
  optim::Optimizer& optimizer_;
  Objective objective_;
  TrainerOptions options_;
  Schedule schedule_;
  std::vector<Callback*> callbacks_;
  MetricsStream metrics_;
  TrainResult result_;
  double last_finite_loss_ = 0.0;
};

}  // namespace nnlab::train
