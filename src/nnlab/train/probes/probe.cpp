#include "nnlab/train/probes/probe.h"

namespace nnlab::train {

void EpochProbe::on_epoch_end(const EpochMetrics& metrics) {
  last_epoch_ = metrics.epoch;
  last_step_ = metrics.step;
  if (every_ > 0 && metrics.epoch % every_ == 0) {
    record(metrics.epoch, metrics.step);
    recorded_epoch_ = metrics.epoch;
  }
}

void EpochProbe::on_train_end(const TrainResult& result) {
  if (result.diverged() || last_epoch_ == 0 || recorded_epoch_ == last_epoch_) return;
  record(last_epoch_, last_step_);
  recorded_epoch_ = last_epoch_;
}

}  // namespace nnlab::train
