#include "nnlab/lab/report_callback.h"

#include "nnlab/report/run_plots.h"

namespace nnlab::lab {

void ReportCallback::on_train_begin(std::int64_t /*first_epoch*/, std::int64_t /*epochs*/) { last_ = Clock::now(); }

void ReportCallback::on_epoch_end(const train::EpochMetrics& /*metrics*/) {
  if (std::chrono::duration<double>(Clock::now() - last_).count() < interval_seconds_) return;
  report::write_run_report(run_dir_);
  last_ = Clock::now();
}

}  // namespace nnlab::lab
