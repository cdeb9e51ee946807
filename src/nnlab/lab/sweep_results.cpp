#include "nnlab/lab/sweep_results.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/io/metrics_log.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::lab {
namespace {

constexpr const char* kMetrics[] = {"train/loss",   "train/accuracy", "val/loss",
                                    "val/accuracy", "test/loss",      "test/accuracy"};

bool maximised(const std::string& tag) { return tag.ends_with("accuracy"); }

// One finished trial: per metric its last and best epoch value; its seconds and steps per epoch.
struct TrialNumbers {
  std::map<std::string, std::pair<double, double>> metrics;  // tag -> (final, best)
  double seconds = std::numeric_limits<double>::quiet_NaN();
  double steps_per_epoch = std::numeric_limits<double>::quiet_NaN();
  std::int64_t parameters = 0;
};

TrialNumbers read_trial(const std::filesystem::path& folder, const std::vector<std::string>& tags) {
  TrialNumbers numbers;
  const io::RunRecords records = io::read_run_records(folder);
  for (const std::string& tag : tags) {
    const std::vector<train::ScalarRecord> series = records.series(tag);
    if (series.empty()) continue;
    double best = series.front().value;
    for (const auto& r : series) best = maximised(tag) ? std::max(best, r.value) : std::min(best, r.value);
    numbers.metrics[tag] = {series.back().value, best};
  }
  // Training time summed over epochs: a trial paused at rungs and resumed ran in several processes.
  const std::vector<train::ScalarRecord> epoch_seconds = records.series("time/epoch_seconds");
  if (!epoch_seconds.empty()) numbers.seconds = 0.0;
  for (const auto& r : epoch_seconds) numbers.seconds += r.value;
  const auto summary =
      nlohmann::json::parse(report::read_optional_file(folder / "summary.json").value_or(""), nullptr, false);
  if (summary.is_object()) {
    const double epochs = summary.value("epochs_completed", 0.0);
    if (epochs > 0) numbers.steps_per_epoch = summary.value("steps", 0.0) / epochs;
    numbers.parameters = summary.value("parameters", std::int64_t{0});
  }
  return numbers;
}

std::vector<double> column(const std::vector<TrialNumbers>& trials, const std::string& tag, bool best) {
  std::vector<double> values;
  for (const TrialNumbers& t : trials) {
    if (const auto found = t.metrics.find(tag); found != t.metrics.end()) {
      values.push_back(best ? found->second.second : found->second.first);
    }
  }
  return values;
}

// Better first; rows whose rank_by has no value last, in plan order.
void rank(std::vector<ResultRow>& rows) {
  const auto key = [](const ResultRow& row) {
    const double mean = row.metrics.empty() ? NAN : row.metrics.front().final.mean;
    return std::isfinite(mean) ? (maximised(row.metrics.front().tag) ? -mean : mean) : INFINITY;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const ResultRow& a, const ResultRow& b) { return key(a) < key(b); });
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].rank = static_cast<std::int64_t>(i + 1);
}

// Four decimals, or scientific notation for values that would print as 0.0000 (E14's gradient
// ratios) or too wide.
std::string readable(double value) {
  const double size = std::fabs(value);
  return size == 0 || (size >= 1e-3 && size < 1e5) ? fmt::format("{:.4f}", value) : fmt::format("{:.3e}", value);
}

std::string number(double value) { return std::isfinite(value) ? fmt::format("{:.6g}", value) : std::string(); }

}  // namespace

std::vector<ResultRow> collect_results(const SweepOutcome& sweep) {
  std::vector<std::string> tags = {sweep.rank_by};
  for (const char* tag : kMetrics) {
    if (tag != sweep.rank_by) tags.emplace_back(tag);
  }
  for (const std::string& tag : sweep.compare) {
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
  }
  std::vector<ResultRow> rows;
  std::map<std::string, std::vector<TrialNumbers>> numbers;
  for (const TrialOutcome& t : sweep.trials) {
    auto row = std::find_if(rows.begin(), rows.end(),
                            [&](const ResultRow& r) { return r.configuration == t.trial.configuration; });
    if (row == rows.end()) {
      row = rows.insert(rows.end(), ResultRow{});
      row->configuration = t.trial.configuration;
      row->settings = t.trial.settings;
    }
    ++row->trials;
    row->finished += t.status == TrialStatus::finished;
    row->diverged += t.status == TrialStatus::diverged;
    row->failed += t.status == TrialStatus::failed;
    row->pruned += t.status == TrialStatus::pruned;
    row->not_run += t.status == TrialStatus::not_run;
    if (row->reason.empty()) row->reason = t.reason;
    if (t.status == TrialStatus::finished) numbers[t.trial.configuration].push_back(read_trial(t.folder, tags));
  }
  for (ResultRow& row : rows) {
    const std::vector<TrialNumbers>& trials = numbers[row.configuration];
    for (const std::string& tag : tags) {
      const std::vector<double> finals = column(trials, tag, false);
      if (finals.empty() && tag != sweep.rank_by) continue;
      const std::vector<double> bests = column(trials, tag, true);
      row.metrics.push_back({.tag = tag, .final = analysis::summarize(finals), .best = analysis::summarize(bests)});
    }
    std::vector<double> seconds, steps;
    for (const TrialNumbers& t : trials) {
      seconds.push_back(t.seconds);
      steps.push_back(t.steps_per_epoch);
      row.parameters = std::max(row.parameters, t.parameters);
    }
    row.seconds = analysis::summarize(seconds);
    row.steps_per_epoch = analysis::summarize(steps).mean;
  }
  rank(rows);
  return rows;
}

std::string results_csv(const std::vector<ResultRow>& rows) {
  if (rows.empty()) return "";
  std::string out = "rank,configuration";
  for (const auto& [key, value] : rows.front().settings) {
    out += ',';  // piece by piece: GCC 12 reports a false -Wrestrict for chains of string operator+
    out += io::csv_field(key);
  }
  out += ",trials,finished,diverged,failed,pruned";
  std::vector<std::string> tags;
  for (const ResultRow& row : rows) {
    for (const MetricResult& m : row.metrics) {
      if (std::find(tags.begin(), tags.end(), m.tag) == tags.end()) tags.push_back(m.tag);
    }
  }
  for (const std::string& tag : tags) out += fmt::format(",{0}_mean,{0}_std,{0}_ci95,{0}_n,{0}_best_mean", tag);
  out += ",parameters,seconds_mean,steps_per_epoch\n";
  for (const ResultRow& row : rows) {
    out += fmt::format("{},{}", row.rank, io::csv_field(row.configuration));
    for (std::size_t i = 0; i < rows.front().settings.size(); ++i) {
      out += ',';
      if (i < row.settings.size()) out += io::csv_field(row.settings[i].second);
    }
    out += fmt::format(",{},{},{},{},{}", row.trials, row.finished, row.diverged, row.failed, row.pruned);
    for (const std::string& tag : tags) {
      const auto m =
          std::find_if(row.metrics.begin(), row.metrics.end(), [&](const MetricResult& r) { return r.tag == tag; });
      if (m == row.metrics.end()) {
        out += ",,,,0,";
        continue;
      }
      out += fmt::format(",{},{},{},{},{}", number(m->final.mean), number(m->final.std), number(m->final.ci_half_width),
                         m->final.n, number(m->best.mean));
    }
    out += fmt::format(",{},{},{}\n", row.parameters > 0 ? fmt::format("{}", row.parameters) : "",
                       number(row.seconds.mean), number(row.steps_per_epoch));
  }
  return out;
}

std::string results_table(const std::vector<ResultRow>& rows, const std::string& rank_by, std::int64_t top) {
  const std::size_t shown = top > 0 ? std::min<std::size_t>(rows.size(), static_cast<std::size_t>(top)) : rows.size();
  std::size_t width = 13;
  for (std::size_t i = 0; i < shown; ++i) width = std::max(width, rows[i].configuration.size());
  std::string out = fmt::format("{:>4}  {:<{}}  {:>3}  {:>30}  {:>10}  {:>10}  {:>8}  {}\n", "rank", "configuration",
                                width, "n", rank_by + " mean ± std (95% CI)", "best", "parameters", "seconds", "");
  for (std::size_t i = 0; i < shown; ++i) {
    const ResultRow& row = rows[i];
    const MetricResult& m = row.metrics.front();
    const std::string value = m.final.n == 0   ? "-"
                              : m.final.n == 1 ? readable(m.final.mean)
                                               : fmt::format("{} ± {} (± {})", readable(m.final.mean),
                                                             readable(m.final.std), readable(m.final.ci_half_width));
    std::string note;
    if (row.finished < row.trials) {
      note = fmt::format("{} of {} finished", row.finished, row.trials);
      if (!row.reason.empty()) note += ": " + row.reason;
    }
    out += fmt::format("{:>4}  {:<{}}  {:>3}  {:>30}  {:>10}  {:>10}  {:>8}  {}\n", row.rank, row.configuration, width,
                       row.finished, value, m.best.n == 0 ? "-" : readable(m.best.mean),
                       row.parameters > 0 ? fmt::format("{}", row.parameters) : "-", std::isfinite(row.seconds.mean) ? fmt::format("{:.1f}", row.seconds.mean) : "-", note);
  }
  if (shown < rows.size()) out += fmt::format("({} more in results.csv)\n", rows.size() - shown);
  return out;
}

}  // namespace nnlab::lab
