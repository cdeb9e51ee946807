#pragma once
// Progress output for a training run: on a terminal, a bar redrawn in place with the running
// loss and speed; elsewhere (a log file, CI), one plain line per epoch. The bar follows the
// steps (a Callback); the epoch line shows the epoch's records from the metrics stream.
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string_view>

#include "nnlab/train/callback.h"
#include "nnlab/train/metrics.h"

namespace nnlab::train {

class ProgressReporter final : public Callback, public MetricsSink {
 public:
  // `terminal` selects the redrawn bar; the caller knows whether `out` is a terminal.
  ProgressReporter(std::ostream& out, bool terminal);

  void on_train_begin(std::int64_t first_epoch, std::int64_t epochs) override;
  void on_epoch_begin(std::int64_t epoch, std::int64_t batches) override;
  void on_step(const StepInfo& step) override;
  void on_epoch_end(const EpochMetrics& metrics) override;
  void write(const ScalarRecord& record) override;
  void on_train_end(const TrainResult& result) override;

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& out_;
  bool terminal_;
  std::int64_t epochs_ = 0;
  std::int64_t examples_ = 0;
  double loss_sum_ = 0.0;
  std::int64_t loss_count_ = 0;
  Clock::time_point epoch_start_{};
  Clock::time_point last_draw_{};
  bool bar_drawn_ = false;
  // The epoch's records the line shows, in this order (NaN until recorded).
  static constexpr std::array<std::string_view, 8> kShownTags = {"train/loss",   "train/accuracy",    "val/loss",
                                                                 "val/accuracy", "test/loss",         "test/accuracy",
                                                                 "lr",           "time/epoch_seconds"};
  std::array<double, kShownTags.size()> epoch_values_ = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
};

}  // namespace nnlab::train
