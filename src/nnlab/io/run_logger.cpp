#include "nnlab/io/run_logger.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/checkpoint.h"

namespace nnlab::io {
namespace {

constexpr const char* kCsvHeader =
    "epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr,steps,examples,"
    "epoch_seconds,seconds";

nlohmann::ordered_json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

std::string csv_cell(double value) { return std::isfinite(value) ? fmt::format("{}", value) : std::string(); }

std::string csv_row(const train::EpochRecord& r) {
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}", r.epoch, csv_cell(r.train_loss),
                     csv_cell(r.train_accuracy), csv_cell(r.val_loss), csv_cell(r.val_accuracy),
                     csv_cell(r.test_loss), csv_cell(r.test_accuracy), csv_cell(r.lr), r.steps, r.examples,
                     csv_cell(r.epoch_seconds), csv_cell(r.seconds));
}

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

// A line that does not read as nnlab wrote it (a damaged or hand-edited log) counts as past
// every epoch, so resume drops it instead of failing on it.
constexpr std::int64_t kUnreadable = std::numeric_limits<std::int64_t>::max();

std::int64_t json_epoch(const std::string& line) {
  const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object() || !record.contains("epoch")) return kUnreadable;
  return record["epoch"].is_number_integer() ? record["epoch"].get<std::int64_t>() : kUnreadable;
}

std::int64_t csv_epoch(const std::string& line) {
  if (line.starts_with("epoch")) return 0;  // the header
  std::int64_t epoch = 0;
  const std::string_view field(line.data(), std::min(line.find(','), line.size()));
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), epoch);
  return error == std::errc() && end == field.data() + field.size() ? epoch : kUnreadable;
}

}  // namespace

nlohmann::ordered_json epoch_record_json(const train::EpochRecord& r) {
  nlohmann::ordered_json record;  // keys in this order, not sorted
  record["epoch"] = r.epoch;
  record["train_loss"] = number_or_null(r.train_loss);
  record["train_accuracy"] = number_or_null(r.train_accuracy);
  record["val_loss"] = number_or_null(r.val_loss);
  record["val_accuracy"] = number_or_null(r.val_accuracy);
  record["test_loss"] = number_or_null(r.test_loss);
  record["test_accuracy"] = number_or_null(r.test_accuracy);
  record["lr"] = r.lr;
  record["steps"] = r.steps;
  record["examples"] = r.examples;
  record["epoch_seconds"] = r.epoch_seconds;
  record["seconds"] = r.seconds;
  return record;
}

CheckpointState read_checkpoint_state(const RunFolder& folder) {
  std::ifstream in(folder.state());
  NNLAB_CHECK(in.good(), IoError, "run folder '{}': no checkpoint yet (state.json is missing)",
              folder.dir().string());
  const auto state = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  NNLAB_CHECK(state.is_object() && state.contains("epoch") && state.contains("steps") &&
                  state["epoch"].is_number_integer() && state["steps"].is_number_integer(),
              DataError, "'{}': expected {{\"epoch\": N, \"steps\": N}}", folder.state().string());
  return {.epoch = state["epoch"].get<std::int64_t>(), .steps = state["steps"].get<std::int64_t>()};
}

RunLogger::RunLogger(const RunFolder& folder, const nn::Module& model, const optim::Optimizer& optimizer,
                     RunLoggerOptions options)
    : folder_(folder), model_(model), optimizer_(optimizer), options_(options) {
  NNLAB_CHECK(options_.checkpoint_every >= 1, ValueError, "RunLogger: checkpoint_every must be >= 1, got {}",
              options_.checkpoint_every);
  checkpoint_epoch_ = options_.resumed_after_epoch;
}

void RunLogger::on_train_begin(std::int64_t /*first_epoch*/, std::int64_t epochs) {
  epochs_ = epochs;
  if (options_.resumed_after_epoch > 0) {
    const std::int64_t last = options_.resumed_after_epoch;
    truncate_log(folder_.metrics_jsonl(), last, json_epoch);
    truncate_log(folder_.metrics_csv(), last, csv_epoch);
    truncate_log(folder_.steps_jsonl(), last, json_epoch);
  }
  if (!std::filesystem::exists(folder_.metrics_csv())) append_line(folder_.metrics_csv(), kCsvHeader);
}

void RunLogger::on_step(const train::StepInfo& step) {
  if (!options_.log_steps) return;
  nlohmann::ordered_json record;
  record["step"] = step.step;
  record["epoch"] = step.epoch;
  record["loss"] = step.loss;
  record["lr"] = step.lr;
  append_line(folder_.steps_jsonl(), record.dump());
}

void RunLogger::on_epoch_end(const train::EpochRecord& record) {
  append_line(folder_.metrics_jsonl(), epoch_record_json(record).dump());
  append_line(folder_.metrics_csv(), csv_row(record));
  last_ = record;
  if (record.epoch % options_.checkpoint_every == 0 || record.epoch == epochs_) {
    write_checkpoint(record.epoch, record.steps);
  }
}

void RunLogger::on_train_end(const train::TrainResult& result) {
  // An early stop between checkpoints still leaves the final weights; a diverged run keeps
  // the last checkpoint taken while the loss was finite.
  if (!result.diverged() && last_.epoch > checkpoint_epoch_) write_checkpoint(last_.epoch, last_.steps);
}

void RunLogger::write_checkpoint(std::int64_t epoch, std::int64_t steps) {
  save_model(model_, folder_.model().string(), {{"epoch", std::to_string(epoch)}});
  save_optimizer(optimizer_, folder_.optimizer().string());
  // Written last: a state.json always describes a complete model and optimiser pair.
  write_file_atomically(folder_.state().string(), nlohmann::json{{"epoch", epoch}, {"steps", steps}}.dump() + "\n");
  checkpoint_epoch_ = epoch;
}

}  // namespace nnlab::io
