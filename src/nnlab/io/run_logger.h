#pragma once
// RunLogger: fills a run folder as training goes. As a MetricsSink it writes every record of
// the metrics stream (metrics_log.h: metrics.jsonl, metrics.csv, probes.jsonl, snapshots/),
// buffering lines until the stream is flushed (each epoch) so that a record per step costs no
// system call; as a Trainer callback it writes a checkpoint (model, optimiser, state.json)
// (checkpoint_set.h) every few epochs and at the end. A run that diverges or is interrupted keeps
// its logs and the last checkpoint written at the end of an epoch.
#include <cstdint>
#include <optional>
#include <string>

#include "nnlab/io/run_folder.h"
#include "nnlab/nn/module.h"
#include "nnlab/optim/optimizer.h"
#include "nnlab/train/callback.h"
#include "nnlab/train/metrics.h"

namespace nnlab::io {

struct RunLoggerOptions {
  std::int64_t checkpoint_every = 1;  // epochs between checkpoints (the last epoch always gets one)
  // Resuming from a checkpoint taken after this epoch (0: from the start, no checkpoint yet): log
  // records of later epochs (written before the interruption) are dropped so that the logs
  // continue without duplicates.
  std::optional<std::int64_t> resumed_after_epoch = std::nullopt;
};

// The epoch column of a metrics.csv line (tag,step,epoch,value; a tag with a comma is quoted),
// which resume reads to drop later epochs; the header counts as epoch 0. A line that does not
// read as nnlab wrote it gives INT64_MAX (past every epoch, so resume drops it). Never throws.
// record_epoch (metrics_log.h) is its JSON-lines twin.
std::int64_t csv_epoch(const std::string& line);

class RunLogger final : public train::Callback, public train::MetricsSink {
 public:
  RunLogger(const RunFolder& folder, const nn::Module& model, const optim::Optimizer& optimizer,
            RunLoggerOptions options);

  void on_train_begin(std::int64_t first_epoch, std::int64_t epochs) override;
  void on_epoch_end(const train::EpochMetrics& metrics) override;
  void on_train_end(const train::TrainResult& result) override;

  void write(const train::ScalarRecord& record) override;
  void write(const train::HistogramRecord& record) override;
  void write(const train::ImageRecord& record) override;
  void write(const train::HeatmapRecord& record) override;
  void write(const train::TensorsRecord& record) override;
  void flush() override;

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
  std::int64_t last_epoch_ = 0, last_step_ = 0;             // the last finished epoch
  std::string metrics_jsonl_, metrics_csv_, probes_jsonl_;  // lines not yet appended
};

}  // namespace nnlab::io
