#pragma once
// RunLogger: the Trainer callback that fills a run folder as training goes: metrics.jsonl and
// metrics.csv (one record per epoch), steps.jsonl (one per optimiser step, when asked), and a
// checkpoint (model, optimiser, state.json) every few epochs and at the end. A run that
// diverges keeps its logs and the last checkpoint written before the loss went bad.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "nnlab/io/run_folder.h"
#include "nnlab/nn/module.h"
#include "nnlab/optim/optimizer.h"
#include "nnlab/train/callback.h"

namespace nnlab::io {

struct RunLoggerOptions {
  bool log_steps = false;
  std::int64_t checkpoint_every = 1;  // epochs between checkpoints (the last epoch always gets one)
  // Resuming from a checkpoint taken after this epoch: log records of later epochs (written
  // before the interruption) are dropped so that the logs continue without duplicates.
  std::int64_t resumed_after_epoch = 0;
};

// Where a run stands after a checkpoint: state.json.
struct CheckpointState {
  std::int64_t epoch = 0;  // epochs completed
  std::int64_t steps = 0;  // optimiser steps completed
};
CheckpointState read_checkpoint_state(const RunFolder& folder);

// One epoch record as JSON; NaN (no such split, or regression accuracy) becomes null.
nlohmann::ordered_json epoch_record_json(const train::EpochRecord& record);

class RunLogger final : public train::Callback {
 public:
  RunLogger(const RunFolder& folder, const nn::Module& model, const optim::Optimizer& optimizer,
            RunLoggerOptions options);

  void on_train_begin(std::int64_t first_epoch, std::int64_t epochs) override;
  void on_step(const train::StepInfo& step) override;
  void on_epoch_end(const train::EpochRecord& record) override;
  void on_train_end(const train::TrainResult& result) override;

  // The epoch of the last checkpoint written (0: none yet).
  std::int64_t checkpoint_epoch() const { return checkpoint_epoch_; }

 private:
  void write_checkpoint(std::int64_t epoch, std::int64_t steps);

  RunFolder folder_;
  const nn::Module& model_;
  const optim::Optimizer& optimizer_;
  RunLoggerOptions options_;
  std::int64_t epochs_ = 0;
  std::int64_t checkpoint_epoch_ = 0;
  train::EpochRecord last_{};
};

}  // namespace nnlab::io
