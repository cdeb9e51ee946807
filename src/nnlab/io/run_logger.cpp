#include "nnlab/io/run_logger.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/checkpoint_set.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/safetensors.h"

namespace nnlab::io {
namespace {

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Keeps the lines of a log whose epoch (read by `epoch_of`) is at most `last_epoch`.
template <typename EpochOf>
void truncate_log(const std::filesystem::path& path, std::int64_t last_epoch, EpochOf epoch_of) {
  if (!std::filesystem::exists(path)) return;
  std::string kept;
  for (const std::string& line : read_lines(path)) {
    if (line.empty() || epoch_of(line) <= last_epoch) kept += line + "\n";
  }
  write_file_atomically(path.string(), kept);
}

bool whole_number(std::string_view text, std::int64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::int64_t csv_epoch(const std::string& line) {
  constexpr std::int64_t kUnreadable = std::numeric_limits<std::int64_t>::max();
  if (line == kScalarCsvHeader) return 0;
  std::size_t tag_end = 0;
  if (line.starts_with('"')) {  // "" inside quotes is one quote
    for (tag_end = 1; tag_end < line.size(); ++tag_end) {
      if (line[tag_end] == '"' && (tag_end + 1 == line.size() || line[tag_end + 1] != '"')) break;
      if (line[tag_end] == '"') ++tag_end;
    }
    ++tag_end;
  } else {
    tag_end = line.find(',');
  }
  if (tag_end == 0 || tag_end >= line.size() || line[tag_end] != ',') return kUnreadable;
  const std::string_view rest = std::string_view(line).substr(tag_end + 1);  // step,epoch,value
  const std::size_t first = rest.find(','), second = rest.find(',', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return kUnreadable;
  if (rest.find(',', second + 1) != std::string_view::npos) return kUnreadable;
  std::int64_t step = 0, epoch = 0;
  if (!whole_number(rest.substr(0, first), step) || !whole_number(rest.substr(first + 1, second - first - 1), epoch)) {
    return kUnreadable;
  }
  return epoch;
}

namespace {

void append_buffer(const std::filesystem::path& path, std::string& buffer) {
  if (buffer.empty()) return;
  buffer.pop_back();  // append_line adds the last '\n' back
  append_line(path, buffer);
  buffer.clear();
}

}  // namespace

RunLogger::RunLogger(const RunFolder& folder, const nn::Module& model, const optim::Optimizer& optimizer,
                     RunLoggerOptions options)
    : folder_(folder), model_(model), optimizer_(optimizer), options_(options) {
  NNLAB_CHECK(options_.checkpoint_every >= 1, ValueError, "RunLogger: checkpoint_every must be >= 1, got {}",
              options_.checkpoint_every);
  checkpoint_epoch_ = options_.resumed_after_epoch.value_or(0);
}

void RunLogger::on_train_begin(std::int64_t /*first_epoch*/, std::int64_t epochs) {
  epochs_ = epochs;
  if (options_.resumed_after_epoch) {
    const std::int64_t last = *options_.resumed_after_epoch;
    truncate_log(folder_.metrics_jsonl(), last, record_epoch);
    truncate_log(folder_.metrics_csv(), last, csv_epoch);
    truncate_log(folder_.probes_jsonl(), last, record_epoch);
  }
  if (!std::filesystem::exists(folder_.metrics_csv())) append_line(folder_.metrics_csv(), kScalarCsvHeader);
}

void RunLogger::write(const train::ScalarRecord& record) {
  metrics_jsonl_ += to_jsonl_line(record) + "\n";
  metrics_csv_ += to_csv_row(record) + "\n";
}

void RunLogger::write(const train::HistogramRecord& record) { probes_jsonl_ += to_json(record).dump() + "\n"; }
void RunLogger::write(const train::ImageRecord& record) { probes_jsonl_ += to_json(record).dump() + "\n"; }
void RunLogger::write(const train::HeatmapRecord& record) { probes_jsonl_ += to_json(record).dump() + "\n"; }

void RunLogger::write(const train::TensorsRecord& record) {
  const SnapshotEntry entry{.tag = record.tag,
                            .step = record.step,
                            .epoch = record.epoch,
                            .file = "snapshots/" + snapshot_file_name(record.tag, record.step),
                            .info = record.info};
  std::filesystem::create_directories(folder_.dir() / "snapshots");
  std::map<std::string, std::string> metadata{{"step", std::to_string(record.step)},
                                              {"epoch", std::to_string(record.epoch)}};
  for (const auto& [name, value] : record.info) metadata[name] = fmt::format("{}", value);
  save_safetensors((folder_.dir() / entry.file).string(), record.tensors, metadata);
  probes_jsonl_ += to_json(entry).dump() + "\n";  // listed only once its file is whole
}

void RunLogger::flush() {
  append_buffer(folder_.metrics_jsonl(), metrics_jsonl_);
  append_buffer(folder_.metrics_csv(), metrics_csv_);
  append_buffer(folder_.probes_jsonl(), probes_jsonl_);
}

void RunLogger::on_epoch_end(const train::EpochMetrics& metrics) {
  flush();  // the epoch's records reach the logs before its checkpoint says it is done
  last_epoch_ = metrics.epoch;
  last_step_ = metrics.step;
  if (metrics.epoch % options_.checkpoint_every == 0 || metrics.epoch == epochs_) {
    write_checkpoint(metrics.epoch, metrics.step);
  }
}

void RunLogger::on_train_end(const train::TrainResult& result) {
  flush();
  // An early stop or a pause between checkpoints still leaves the epoch's final weights. A run
  // that diverged or was interrupted mid-epoch holds weights no epoch ended with: its last
  // checkpoint stays the one to resume from.
  const bool at_epoch_end = !result.diverged() && result.stop_reason != train::StopReason::interrupted;
  if (at_epoch_end && last_epoch_ > checkpoint_epoch_) write_checkpoint(last_epoch_, last_step_);
}

void RunLogger::write_checkpoint(std::int64_t epoch, std::int64_t steps) {
  io::write_checkpoint(folder_, model_, optimizer_, {.epoch = epoch, .steps = steps});
  checkpoint_epoch_ = epoch;
}

}  // namespace nnlab::io
