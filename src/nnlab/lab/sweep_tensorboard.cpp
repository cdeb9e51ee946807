// A sweep's HParams records, built from its plan and its trials' run folders (io/tensorboard_hparams.h).
#include "nnlab/lab/sweep_tensorboard.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::lab {
namespace {

// Our event files' suffix: a rewrite finds and replaces them, and never the trainer's own.
constexpr const char* kFileSuffix = ".hparams";
// TensorBoard's filter lists a discrete domain as check boxes only below 10 values (its
// MAX_DOMAIN_DISCRETE_LIST_LEN); longer lists get a regular expression, of no use on numbers.
constexpr std::size_t kMaxDiscreteNumbers = 9;
// The metrics every classification trial logs, listed before any trial has run.
const std::vector<std::string> kDefaultMetrics = {"train/loss", "train/accuracy", "val/loss", "val/accuracy"};

// A value and the TOML text it came from (a string column shows a number as that text).
using Observed = std::vector<std::pair<io::HParamValue, std::string>>;

double now_secs() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

std::optional<double> modified_secs(const std::filesystem::path& path) {
  std::error_code error;
  const auto time = std::filesystem::last_write_time(path, error);
  if (error) return std::nullopt;
  const auto system = std::chrono::file_clock::to_sys(time);
  return std::chrono::duration<double>(system.time_since_epoch()).count();
}

// run.json's "started" ("2024-05-01T12:34:56Z", UTC) in seconds since the epoch.
std::optional<double> run_json_started(const std::filesystem::path& folder) {
  const nlohmann::json run = nlohmann::json::parse(report::read_optional_file(folder / "run.json").value_or(""),
                                                   nullptr, /*allow_exceptions=*/false);
  if (!run.is_object() || !run.contains("started") || !run["started"].is_string()) return std::nullopt;
  const std::string text = run["started"].get<std::string>();
  std::tm utc{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<double>(timegm(&utc));
}

// The earliest of run.json's "started" (rewritten by every resumed segment) and config.toml's
// modification time (written once, when the folder is made, but touched by a copy).
double start_time(const std::filesystem::path& folder) {
  std::optional<double> start = run_json_started(folder);
  if (const std::optional<double> config = modified_secs(folder / "config.toml")) {
    start = start ? std::min(*start, *config) : *config;
  }
  if (!start) start = modified_secs(folder);
  return start.value_or(now_secs());
}

// When the trial last wrote a file of its folder (summary.json, metrics.jsonl, ...).
double end_time(const std::filesystem::path& folder) {
  std::optional<double> end;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (!entry.is_regular_file()) continue;
    if (const std::optional<double> time = modified_secs(entry.path())) end = std::max(end.value_or(*time), *time);
  }
  return end.value_or(now_secs());
}

bool is_event_file(const std::filesystem::directory_entry& entry) {
  return entry.is_regular_file() && entry.path().filename().string().find("tfevents") != std::string::npos;
}

bool is_ours(const std::filesystem::path& path) { return path.filename().string().ends_with(kFileSuffix); }

// Whether the trainer wrote events into `tb` (train.tensorboard was on).
bool has_own_event_files(const std::filesystem::path& tb) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(tb, error)) {
    if (is_event_file(entry) && !is_ours(entry.path())) return true;
  }
  return false;
}

// Writes a new event file of ours into `dir` with `write`, then removes the earlier ones: TensorBoard
// keeps the first record of a tag it reads in a run, so an old one left there would win.
void write_replacing(const std::filesystem::path& dir, const std::function<void(io::TensorBoardWriter&)>& write) {
  std::filesystem::path written;
  {
    io::TensorBoardWriter writer(dir, kFileSuffix);
    write(writer);
    writer.flush();
    written = writer.path();
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (!is_event_file(entry) || !is_ours(entry.path()) || entry.path() == written) continue;
    std::filesystem::remove(entry.path(), error);
    NNLAB_CHECK(!error, IoError, "TensorBoard hparams: cannot remove the replaced '{}': {}", entry.path().string(),
                error.message());
  }
  NNLAB_CHECK(!error, IoError, "TensorBoard hparams: cannot list '{}': {}", dir.string(), error.message());
}

// A trial's settings with a key set twice (a variant and an axis) reduced to its last value, as
// the `--set` overrides it becomes apply them.
std::vector<io::KeyValueText> effective_settings(const Trial& trial) {
  std::vector<io::KeyValueText> out;
  for (const auto& [key, text] : trial.settings) {
    const auto same = std::find_if(out.begin(), out.end(), [&](const io::KeyValueText& kv) { return kv.first == key; });
    if (same != out.end()) {
      same->second = text;
    } else {
      out.emplace_back(key, text);
    }
  }
  return out;
}

template <typename T>
bool all_hold(const Observed& observed) {
  return std::all_of(observed.begin(), observed.end(),
                     [](const auto& o) { return std::holds_alternative<T>(o.first); });
}

io::HParamInfo hparam_column(std::string name, const Observed& observed) {
  io::HParamInfo info{.name = std::move(name), .kind = io::HParamKind::string, .values = {}, .interval = false};
  if (all_hold<double>(observed)) info.kind = io::HParamKind::number;
  if (all_hold<bool>(observed)) info.kind = io::HParamKind::boolean;
  for (const auto& [value, text] : observed) {
    const bool as_text = info.kind == io::HParamKind::string && !std::holds_alternative<std::string>(value);
    info.values.push_back(as_text ? io::HParamValue(text) : value);
  }
  std::sort(info.values.begin(), info.values.end());  // as TensorBoard's hp.Discrete lists them
  info.values.erase(std::unique(info.values.begin(), info.values.end()), info.values.end());
  info.interval = info.kind == io::HParamKind::number && info.values.size() > kMaxDiscreteNumbers;
  return info;
}

std::vector<io::HParamInfo> hparam_columns(const std::vector<Trial>& trials) {
  std::vector<std::pair<std::string, Observed>> keys;  // in order of first use
  Observed seeds;
  for (const Trial& trial : trials) {
    for (const auto& [key, text] : effective_settings(trial)) {
      auto column = std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.first == key; });
      if (column == keys.end()) column = keys.emplace(keys.end(), key, Observed{});
      column->second.emplace_back(hparam_value(text), text);
    }
    seeds.emplace_back(static_cast<double>(trial.seed), std::to_string(trial.seed));
  }
  std::vector<io::HParamInfo> columns;
  for (const auto& [key, observed] : keys) columns.push_back(hparam_column(key, observed));
  if (!trials.empty()) columns.push_back(hparam_column("seed", seeds));
  return columns;
}

// Every scalar tag the trials' run folders hold, in order of first appearance.
std::vector<std::string> recorded_tags(const std::filesystem::path& sweep_dir, const std::vector<Trial>& trials) {
  std::vector<std::string> tags;
  for (const Trial& trial : trials) {
    const std::filesystem::path folder = sweep_dir / "trials" / trial.name;
    if (!std::filesystem::is_directory(folder)) continue;
    for (const std::string& tag : io::read_run_records(folder).scalar_tags()) {
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
    }
  }
  return tags;
}

// The last logged value of each metric column, for a trial that wrote no events of its own.
void write_final_metrics(io::TensorBoardWriter& writer, const std::filesystem::path& folder,
                         const std::string& rank_by) {
  if (!std::filesystem::is_directory(folder)) return;
  const io::RunRecords records = io::read_run_records(folder);
  for (const std::string& tag : sweep_metric_tags(records.scalar_tags(), rank_by)) {
    const std::vector<train::ScalarRecord> series = records.series(tag);
    if (!series.empty()) writer.write(series.back());
  }
}

}  // namespace

io::HParamValue hparam_value(const std::string& toml_text) {
  std::string document = "v = ";
  document += toml_text;
  toml::table table;
  try {
    table = toml::parse(document);
  } catch (const toml::parse_error&) {
    return toml_text;  // not a TOML value (a sweep's settings always are): shown as written
  }
  const toml::node& node = *table.get("v");
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* flag = node.as_boolean()) return flag->get();
  if (const auto* integer = node.as_integer()) return static_cast<double>(integer->get());
  if (const auto* number = node.as_floating_point()) return number->get();
  return toml_text;
}

io::SessionStatus hparams_status(TrialStatus status) {
  switch (status) {
    case TrialStatus::finished: return io::SessionStatus::success;
    case TrialStatus::diverged: return io::SessionStatus::failure;
    case TrialStatus::failed: return io::SessionStatus::failure;
    case TrialStatus::pruned: return io::SessionStatus::success;  // stopped on purpose (see the header)
    case TrialStatus::not_run: return io::SessionStatus::unknown;
  }
  return io::SessionStatus::unknown;
}

std::vector<std::string> sweep_metric_tags(const std::vector<std::string>& recorded, const std::string& rank_by) {
  std::vector<std::string> tags = {rank_by};
  const auto add = [&](const std::string& tag) {
    const bool seen = std::find(recorded.begin(), recorded.end(), tag) != recorded.end();
    if (seen && std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
  };
  for (const std::string& tag : kDefaultMetrics) add(tag);
  for (const std::string& tag : recorded) {
    if (tag.starts_with("test/")) add(tag);
  }
  return tags;
}

io::HParamsExperiment sweep_hparams_experiment(const std::filesystem::path& sweep_dir, const std::vector<Trial>& trials,
                                               const std::string& rank_by) {
  std::vector<std::string> recorded = recorded_tags(sweep_dir, trials);
  if (recorded.empty()) recorded = kDefaultMetrics;
  io::HParamsExperiment experiment{.hparams = hparam_columns(trials), .metrics = {}, .time_created_secs = now_secs()};
  for (const std::string& tag : sweep_metric_tags(recorded, rank_by)) {
    experiment.metrics.push_back({.tag = tag, .group = ""});  // the session's run: the trial's tb/
  }
  return experiment;
}

void write_sweep_hparams_experiment(const std::filesystem::path& sweep_dir, const std::vector<Trial>& trials,
                                    const std::string& rank_by) {
  const io::HParamsExperiment experiment = sweep_hparams_experiment(sweep_dir, trials, rank_by);
  write_replacing(sweep_dir / "tb",
                  [&](io::TensorBoardWriter& writer) { io::write_hparams_experiment(writer, experiment); });
}

io::HParamsSession trial_hparams_session(const TrialOutcome& trial) {
  io::HParamsSession session;
  for (const auto& [key, text] : effective_settings(trial.trial)) session.hparams.emplace_back(key, hparam_value(text));
  session.hparams.emplace_back("seed", static_cast<double>(trial.trial.seed));
  session.group_name = trial.trial.configuration;
  session.start_time_secs = start_time(trial.folder);
  session.end_time_secs = end_time(trial.folder);
  session.status = hparams_status(trial.status);
  return session;
}

void write_trial_hparams_session(const TrialOutcome& trial, const std::string& rank_by) {
  if (trial.status == TrialStatus::not_run) return;
  const io::HParamsSession session = trial_hparams_session(trial);  // its times before tb/ changes
  const std::filesystem::path tb = trial.folder / "tb";
  const bool own_events = has_own_event_files(tb);
  write_replacing(tb, [&](io::TensorBoardWriter& writer) {
    io::write_hparams_session(writer, session);
    if (!own_events) write_final_metrics(writer, trial.folder, rank_by);
  });
}

}  // namespace nnlab::lab
