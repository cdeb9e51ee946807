#pragma once
// What every probe shares. A probe is a Trainer callback that observes and records into the
// metrics stream; it never changes training. Its numbers come from analysis/; the probe only
// decides when to compute them and how to name the records.
#include <cstdint>
#include <string>

#include "nnlab/data/dataset.h"
#include "nnlab/nn/module.h"
#include "nnlab/train/callback.h"
#include "nnlab/train/metrics.h"

namespace nnlab::train {

// The data a probe evaluates on, and the name of its split ("test", "val", "train").
struct ProbeData {
  const data::Dataset* dataset = nullptr;
  std::string split;
};

// A probe that evaluates the model on data at epoch ends: after every `every` epochs
// (every = 0: never) and always after the last epoch of a run that did not diverge.
// Subclasses implement record(epoch, step).
class EpochProbe : public Callback {
 public:
  EpochProbe(const MetricsStream& stream, nn::Module& model, std::int64_t every)
      : stream_(stream), model_(model), every_(every) {}

  void on_epoch_end(const EpochMetrics& metrics) override;
  void on_train_end(const TrainResult& result) override;

 protected:
  virtual void record(std::int64_t epoch, std::int64_t step) = 0;

  const MetricsStream& stream_;
  nn::Module& model_;

 private:
  std::int64_t every_;
  std::int64_t last_epoch_ = 0, last_step_ = 0, recorded_epoch_ = -1;
};

}  // namespace nnlab::train
