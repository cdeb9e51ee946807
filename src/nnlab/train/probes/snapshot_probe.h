#pragma once
// Snapshots of every weight (E10): a TensorsRecord "weights" at step 0 and every `every` steps,
// and one of the final weights, each with its loss and accuracy on the probe data when asked
// (`info`: loss, accuracy). The run folder keeps them in snapshots/ for `nnlab analyze pca`.
#include <cstdint>
#include <optional>

#include "nnlab/train/objective.h"
#include "nnlab/train/probes/probe.h"

namespace nnlab::train {

struct SnapshotOptions {
  std::int64_t every = 100;           // optimiser steps between snapshots (>= 1)
  std::optional<ProbeData> evaluate;  // data to measure loss and accuracy on with each snapshot
  std::int64_t eval_batch_size = 1000;
};

class SnapshotProbe final : public Callback {
 public:
  SnapshotProbe(const MetricsStream& stream, nn::Module& model, Objective objective, SnapshotOptions options);

  void on_train_begin(std::int64_t first_epoch, std::int64_t epochs) override;
  // Before step s's update the weights are those after s - 1 steps: snapshot them then.
  void on_step(const StepInfo& step) override;
  void on_train_end(const TrainResult& result) override;

 private:
  void take(std::int64_t step, std::int64_t epoch);

  const MetricsStream& stream_;
  nn::Module& model_;
  Objective objective_;
  SnapshotOptions options_;
  std::int64_t last_step_ = -1, epoch_ = 0;
};

}  // namespace nnlab::train
