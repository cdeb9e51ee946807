#pragma once
// Keeps a run's plots and report.html current while it trains, so a long run can be watched:
// redrawn after an epoch when `interval_seconds` have passed since the last drawing, and
// by the caller after summary.json. Added after the RunLogger, so that it sees the epoch's
// records on disk.
#include <chrono>
#include <filesystem>

#include "nnlab/train/callback.h"

namespace nnlab::lab {

class ReportCallback final : public train::Callback {
 public:
  explicit ReportCallback(std::filesystem::path run_dir, double interval_seconds = 30.0)
      : run_dir_(std::move(run_dir)), interval_seconds_(interval_seconds) {}

  void on_train_begin(std::int64_t first_epoch, std::int64_t epochs) override;
  void on_epoch_end(const train::EpochMetrics& metrics) override;

 private:
  using Clock = std::chrono::steady_clock;
  std::filesystem::path run_dir_;
  double interval_seconds_;
  Clock::time_point last_{};
};

}  // namespace nnlab::lab
