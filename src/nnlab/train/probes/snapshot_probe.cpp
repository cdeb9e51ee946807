#include "nnlab/train/probes/snapshot_probe.h"

#include <utility>

#include "nnlab/core/check.h"
#include "nnlab/train/evaluate.h"

namespace nnlab::train {

SnapshotProbe::SnapshotProbe(const MetricsStream& stream, nn::Module& model, Objective objective,
                             SnapshotOptions options)
    : stream_(stream), model_(model), objective_(std::move(objective)), options_(std::move(options)) {
  NNLAB_CHECK(options_.every >= 1, ValueError, "SnapshotProbe: every must be >= 1, got {}", options_.every);
}

void SnapshotProbe::on_train_begin(std::int64_t first_epoch, std::int64_t /*epochs*/) {
  if (first_epoch == 1) take(/*step=*/0, /*epoch=*/0);
}

void SnapshotProbe::on_step(const StepInfo& step) {
  epoch_ = step.epoch;
  const std::int64_t done = step.step - 1;
  if (done % options_.every == 0 && done != last_step_) take(done, step.epoch);
}

void SnapshotProbe::on_train_end(const TrainResult& result) {
  if (!result.diverged() && result.steps != last_step_) take(result.steps, epoch_);
}

void SnapshotProbe::take(std::int64_t step, std::int64_t epoch) {
  TensorsRecord record{
      .tag = "weights", .step = step, .epoch = epoch, .tensors = model_.named_parameters(), .info = {}};
  if (options_.evaluate && options_.evaluate->dataset->size() > 0) {
    const Evaluation evaluation = evaluate(model_, *options_.evaluate->dataset, objective_, options_.eval_batch_size);
    record.info.emplace_back("loss", evaluation.loss);
    if (objective_.classification) record.info.emplace_back("accuracy", evaluation.accuracy);
  }
  stream_.write(record);  // sinks write the tensors before training goes on: no copy needed
  last_step_ = step;
}

}  // namespace nnlab::train
