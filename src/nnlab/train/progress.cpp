#include "nnlab/train/progress.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace nnlab::train {
namespace {

constexpr int kBarWidth = 30;
constexpr double kRedrawSeconds = 0.1;  // a terminal cannot show faster redraws anyway

// "0.8123" for a fraction, "-" where it does not apply.
std::string percent(double fraction) {
  return std::isnan(fraction) ? std::string("-") : fmt::format("{:.2f}%", 100.0 * fraction);
}

std::string loss_text(double loss) { return std::isnan(loss) ? std::string("-") : fmt::format("{:.4f}", loss); }

}  // namespace

ProgressReporter::ProgressReporter(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

void ProgressReporter::on_train_begin(std::int64_t /*first_epoch*/, std::int64_t epochs) { epochs_ = epochs; }

void ProgressReporter::on_epoch_begin(std::int64_t /*epoch*/, std::int64_t /*batches*/) {
  examples_ = 0;
  loss_sum_ = 0.0;
  loss_count_ = 0;
  epoch_start_ = Clock::now();
  last_draw_ = epoch_start_;
}

void ProgressReporter::on_step(const StepInfo& step) {
  examples_ += step.inputs->inputs.size(0);
  loss_sum_ += step.loss;
  ++loss_count_;
  if (!terminal_) return;
  const auto now = Clock::now();
  const bool last = step.batch + 1 == step.batches;
  if (!last && std::chrono::duration<double>(now - last_draw_).count() < kRedrawSeconds) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
  const auto done = static_cast<int>(kBarWidth * (step.batch + 1) / std::max<std::int64_t>(step.batches, 1));
  out_ << fmt::format("\r\x1b[2Kepoch {}/{} [{}{}] {}/{} loss {:.4f} {:.0f} samples/s", step.epoch, epochs_,
                      std::string(done, '#'), std::string(kBarWidth - done, '.'), step.batch + 1, step.batches,
                      loss_sum_ / static_cast<double>(loss_count_),
                      elapsed > 0 ? static_cast<double>(examples_) / elapsed : 0.0)
       << std::flush;
  bar_drawn_ = true;
}

void ProgressReporter::write(const ScalarRecord& record) {
  // Probes may record many tags at every step: keep only the few the epoch line shows.
  for (std::size_t i = 0; i < kShownTags.size(); ++i) {
    if (record.tag == kShownTags[i]) epoch_values_[i] = record.value;
  }
}

void ProgressReporter::on_epoch_end(const EpochMetrics& metrics) {
  const auto value = [&](std::string_view tag) {
    const auto found = std::find(kShownTags.begin(), kShownTags.end(), tag);
    return epoch_values_[static_cast<std::size_t>(found - kShownTags.begin())];
  };
  if (bar_drawn_) out_ << "\r\x1b[2K";
  bar_drawn_ = false;
  out_ << fmt::format(
              "epoch {}/{}  train loss {} acc {}  val loss {} acc {}  test loss {} acc {}  lr {:.3g}  {:.1f} s\n",
              metrics.epoch, epochs_, loss_text(value("train/loss")), percent(value("train/accuracy")),
              loss_text(value("val/loss")), percent(value("val/accuracy")), loss_text(value("test/loss")),
              percent(value("test/accuracy")), value("lr"), value("time/epoch_seconds"))
       << std::flush;
  epoch_values_.fill(std::nan(""));
}

void ProgressReporter::on_train_end(const TrainResult& result) {
  if (bar_drawn_) out_ << "\n";
  bar_drawn_ = false;
  if (!result.message.empty()) out_ << "stopped: " << result.message << "\n" << std::flush;
}

}  // namespace nnlab::train
