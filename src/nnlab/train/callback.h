#pragma once
// Callback: how progress output, run logs and probes follow a Trainer. Each hook has an empty
// default, so a callback overrides only what it needs. Numbers travel in the metrics stream
// (metrics.h); these hooks say when things happen.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nnlab/data/loader.h"
#include "nnlab/nn/module.h"

namespace nnlab::train {

// The numbers of one finished epoch by tag, in the order the Trainer recorded them:
// "train/loss", "train/accuracy", "val/loss", "val/accuracy", "test/loss", "test/accuracy",
// "lr", "time/epoch_seconds", "time/seconds". A tag that does not apply (no validation split,
// the accuracy of a regression) is absent. Train loss and accuracy are running means over the
// epoch's batches, in training mode (as Keras reports them).
struct EpochMetrics {
  std::int64_t epoch = 0;  // 1-based
  std::int64_t step = 0;   // optimiser steps since the start of training
  std::vector<std::pair<std::string, double>> values;

  // The value of `tag`, or NaN when the epoch has none.
  double get(std::string_view tag) const;
  bool has(std::string_view tag) const;
};

// One optimiser step, seen after backward and before the update: the parameters' grad()
// holds this batch's gradients.
struct StepInfo {
  std::int64_t epoch = 0;    // 1-based
  std::int64_t batch = 0;    // 0-based index within the epoch
  std::int64_t batches = 0;  // batches in this epoch
  std::int64_t step = 0;     // 1-based count of optimiser steps since the start of training
  double loss = 0.0;
  double lr = 0.0;
  const data::Batch* inputs = nullptr;  // the batch (inputs, targets)
  const Tensor* outputs = nullptr;      // the model's outputs for it
  nn::Module* model = nullptr;
};

enum class StopReason {
  completed,       // every epoch ran
  early_stopping,  // no better validation loss for `early_stopping` epochs
  non_finite_loss,  // the loss became NaN or infinite: the run diverged
  paused,          // stopped as asked after an epoch before the last; `nnlab resume` continues
  interrupted      // Ctrl-C or SIGTERM: the epoch in progress is dropped; `nnlab resume` continues
};
// "completed", "early_stopping", "non_finite_loss", "paused", "interrupted": the names summary.json uses.
std::string_view to_string(StopReason reason);

struct TrainResult {
  std::vector<EpochMetrics> history;  // the epochs run by this fit(), in order
  StopReason stop_reason = StopReason::completed;
  std::string message;  // why it stopped, when not completed
  std::int64_t steps = 0;
  std::int64_t best_epoch = 0;  // lowest validation loss (train loss without validation); 0: none
  double seconds = 0.0;
  bool diverged() const { return stop_reason == StopReason::non_finite_loss; }
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(std::int64_t /*first_epoch*/, std::int64_t /*epochs*/) {}
  virtual void on_epoch_begin(std::int64_t /*epoch*/, std::int64_t /*batches*/) {}
  virtual void on_step(const StepInfo& /*step*/) {}
  // After the epoch's evaluation; its numbers are already in the metrics stream.
  virtual void on_epoch_end(const EpochMetrics& /*metrics*/) {}
  virtual void on_train_end(const TrainResult& /*result*/) {}
};

}  // namespace nnlab::train
