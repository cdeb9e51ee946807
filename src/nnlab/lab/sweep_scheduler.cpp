#include "nnlab/lab/sweep_scheduler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/input_file.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::lab {
namespace {

using Json = nlohmann::ordered_json;

TrialStatus status_from_name(const std::string& name) {
  for (TrialStatus s : {TrialStatus::finished, TrialStatus::diverged, TrialStatus::failed, TrialStatus::pruned}) {
    if (name == to_string(s)) return s;
  }
  return TrialStatus::not_run;
}

Json read_json(const std::filesystem::path& path) {
  const std::optional<std::string> text = report::read_optional_file(path);
  return text ? Json::parse(*text, nullptr, false) : Json();
}

// Calls fn(line) for each line of a file the sweep wrote; none when it is missing. Something
// other than a regular file in its place (a FIFO) is an IoError naming it, not a wait.
template <typename Fn>
void for_each_line_of(const std::filesystem::path& path, Fn fn) {
  if (not_a_regular_file(path) == "no such file") return;
  InputFile in(path, {.where = "sweep"});
  in.for_each_line([&](std::string_view line, std::int64_t) { fn(line); });
}

std::string last_line(const std::filesystem::path& log) {
  std::string last;
  for_each_line_of(log, [&](std::string_view line) {
    if (!line.empty()) last = line;
  });
  return last;
}

// Every whole line of journal.jsonl that names a trial (a line cut short by a crash is skipped).
std::vector<Json> journal_entries(const std::filesystem::path& sweep_dir) {
  std::vector<Json> entries;
  for_each_line_of(sweep_dir / "journal.jsonl", [&](std::string_view line) {
    Json entry = Json::parse(line, nullptr, false);
    if (entry.is_object() && entry.contains("trial")) entries.push_back(std::move(entry));
  });
  return entries;
}

bool maximised(const std::string& tag) { return tag.ends_with("accuracy"); }

// rank_by at the end of `epoch` in the trial's metrics log; NaN when it was not recorded.
double metric_at_epoch(const std::filesystem::path& folder, const std::string& tag, std::int64_t epoch) {
  for (const train::ScalarRecord& r : io::read_run_records(folder).series(tag)) {
    if (r.epoch == epoch) return r.value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

void read_trial_ends(SweepOutcome& sweep) {
  std::map<std::string, Json> ended;
  for (Json& entry : journal_entries(sweep.folder)) {
    if (!entry.contains("status")) continue;
    const std::string name = entry.value("trial", "");
    ended[name] = std::move(entry);
  }
  for (TrialOutcome& t : sweep.trials) {
    const auto found = ended.find(t.trial.name);
    if (found == ended.end()) continue;
    t.status = status_from_name(found->second.value("status", ""));
    t.reason = found->second.value("reason", "");
    t.pruned_at_epoch = found->second.value("epoch", std::int64_t{0});
  }
}

SweepScheduler::SweepScheduler(SweepOutcome& sweep) : sweep_(sweep) {
  read_trial_ends(sweep_);
  for (const Json& entry : journal_entries(sweep_.folder)) {
    // A rung with no value (the metric was not recorded) was not counted when it was decided.
    if (entry.contains("rung") && entry["value"].is_number()) {
      rung_values_[entry.value("rung", std::int64_t{0})][entry.value("trial", "")] = entry["value"].get<double>();
    }
  }
  for (TrialOutcome& t : sweep_.trials) {
    if (t.status != TrialStatus::not_run) continue;
    std::filesystem::remove_all(t.folder);  // begun but not ended: start it again
    std::filesystem::remove(sweep_.folder / "trials" / (t.trial.name + ".log"));
    ++to_run_;
  }
}

std::optional<TrialSegment> SweepScheduler::next() {
  std::optional<TrialSegment> segment;
  if (!queue_.empty()) {
    segment = queue_.front();
    queue_.pop_front();
  }
  while (!segment && next_new_ < sweep_.trials.size()) {
    const std::size_t i = next_new_++;
    if (sweep_.trials[i].status != TrialStatus::not_run) continue;
    segment = TrialSegment{.trial = i, .resume = false, .until_epoch = next_rung_after(0)};
  }
  if (segment) ++running_;
  return segment;
}

std::string SweepScheduler::ended(const TrialSegment& segment, int exit_status) {
  --running_;
  TrialOutcome& t = sweep_.trials[segment.trial];
  const Json summary = read_json(t.folder / "summary.json");
  const std::string stop = summary.is_object() ? summary.value("stop_reason", "") : "";
  if (exit_status == 0 && stop == "paused") return reached_rung(t, summary.value("epochs_completed", std::int64_t{0}));
  if (exit_status == 0) {
    end_trial(t, TrialStatus::finished, "");
  } else if (stop == "non_finite_loss") {
    end_trial(t, TrialStatus::diverged, summary.value("message", ""));
  } else {
    end_trial(t, TrialStatus::failed,
              exit_status > 128 ? fmt::format("ended by signal {}", exit_status - 128)
                                : last_line(sweep_.folder / "trials" / (t.trial.name + ".log")));
  }
  return fmt::format("[{}/{}] {} {}{}", ended_, to_run_, t.trial.name, to_string(t.status),
                     t.reason.empty() ? "" : ": " + t.reason);
}

void SweepScheduler::abandoned(const TrialSegment& /*segment*/) { --running_; }

std::string SweepScheduler::reached_rung(TrialOutcome& t, std::int64_t epoch) {
  const double value = metric_at_epoch(t.folder, sweep_.rank_by, epoch);
  // A trial without the metric cannot be judged, so it is neither counted nor stopped.
  const bool judged = std::isfinite(value);
  if (judged) rung_values_[epoch][t.trial.name] = value;
  const bool keep = !judged || keep_at_rung(epoch, value);
  journal(Json{{"trial", t.trial.name},
               {"rung", epoch},
               {"value", judged ? Json(value) : Json()},
               {"decision", keep ? "continue" : "prune"}}
              .dump());
  const std::size_t competing = rung_values_[epoch].size();
  const std::string seen = judged ? fmt::format("{} {:.4g}", sweep_.rank_by, value)
                                  : fmt::format("no {} recorded", sweep_.rank_by);
  if (!keep) {
    t.pruned_at_epoch = epoch;
    end_trial(t, TrialStatus::pruned,
              fmt::format("pruned at epoch {}: {}, not in the best 1/{} of the {} trials there", epoch, seen,
                          sweep_.prune->reduction_factor, competing));
    return fmt::format("[{}/{}] {} {}", ended_, to_run_, t.trial.name, t.reason);
  }
  queue_.push_back({.trial = static_cast<std::size_t>(&t - sweep_.trials.data()),
                    .resume = true,
                    .until_epoch = next_rung_after(epoch)});
  return fmt::format("{} at rung epoch {}: {}, continues ({} trials there)", t.trial.name, epoch, seen, competing);
}

// In the best max(1, n / reduction_factor) of the n values recorded at the rung (ties kept).
bool SweepScheduler::keep_at_rung(std::int64_t epoch, double value) const {
  std::vector<double> values;
  for (const auto& [name, v] : rung_values_.at(epoch)) values.push_back(v);
  const bool up = maximised(sweep_.rank_by);
  std::sort(values.begin(), values.end(), [up](double a, double b) { return up ? a > b : a < b; });
  const std::size_t kept = std::max<std::size_t>(1, values.size() / static_cast<std::size_t>(sweep_.prune->reduction_factor));
  const double threshold = values[kept - 1];
  return up ? value >= threshold : value <= threshold;
}

std::int64_t SweepScheduler::next_rung_after(std::int64_t epoch) const {
  if (!sweep_.prune) return 0;
  for (std::int64_t rung : sweep_.prune->rungs) {
    if (rung > epoch) return rung;
  }
  return 0;
}

void SweepScheduler::end_trial(TrialOutcome& t, TrialStatus status, std::string reason) {
  t.status = status;
  t.reason = std::move(reason);
  ++ended_;
  Json entry{{"trial", t.trial.name}, {"status", to_string(status)}, {"reason", t.reason}};
  if (status == TrialStatus::pruned) entry["epoch"] = t.pruned_at_epoch;
  journal(entry.dump());
}

void SweepScheduler::journal(const std::string& line) const {
  io::append_line(sweep_.folder / "journal.jsonl", line);
}

}  // namespace nnlab::lab
