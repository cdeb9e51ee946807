#pragma once
// Callback: how progress bars, run logs and analysis probes watch a Trainer. Each hook has an
// empty default, so a callback overrides only what it needs.
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/data/loader.h"
#include "nnlab/nn/module.h"

namespace nnlab::train {

// One epoch's numbers. Accuracies are fractions in [0, 1]; NaN where they do not apply
// (regression, or no validation / test split). Train loss and accuracy are running means over
// the epoch's batches, in training mode (as Keras reports them).
struct EpochRecord {
  std::int64_t epoch = 0;  // 1-based
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double val_loss = 0.0;
  double val_accuracy = 0.0;
  double test_loss = 0.0;
  double test_accuracy = 0.0;
  double lr = 0.0;             // the first parameter group's lr during this epoch
  std::int64_t steps = 0;      // optimiser steps since the start of training
  std::int64_t examples = 0;   // training examples seen this epoch
  double epoch_seconds = 0.0;  // wall time of this epoch, evaluation included
  double seconds = 0.0;        // wall time since the start of training
};

// One optimiser step, seen after backward and before the update: the parameters' grad()
// holds this batch's gradients.
struct StepInfo {
  std::int64_t epoch = 0;        // 1-based
  std::int64_t batch = 0;        // 0-based index within the epoch
  std::int64_t batches = 0;      // batches in this epoch
  std::int64_t step = 0;         // 1-based count of optimiser steps since the start of training
  double loss = 0.0;
  double lr = 0.0;
  const data::Batch* inputs = nullptr;  // the batch (inputs, targets)
  const Tensor* outputs = nullptr;      // the model's outputs for it
  nn::Module* model = nullptr;
};

struct TrainResult {
  std::vector<EpochRecord> history;
  // completed, early_stopping, or non_finite_loss (the run diverged; `message` says where).
  std::string stop_reason = "completed";
  std::string message;
  std::int64_t steps = 0;
  std::int64_t best_epoch = 0;  // lowest validation loss (train loss without validation); 0: none
  double seconds = 0.0;
  bool diverged() const { return stop_reason == "non_finite_loss"; }
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(std::int64_t /*first_epoch*/, std::int64_t /*epochs*/) {}
  virtual void on_epoch_begin(std::int64_t /*epoch*/, std::int64_t /*batches*/) {}
  virtual void on_step(const StepInfo& /*step*/) {}
  virtual void on_epoch_end(const EpochRecord& /*record*/) {}
  virtual void on_train_end(const TrainResult& /*result*/) {}
};

}  // namespace nnlab::train
