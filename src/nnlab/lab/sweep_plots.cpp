#include "nnlab/lab/sweep_plots.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "nnlab/io/metrics_log.h"
#include "nnlab/lab/function_fits.h"
#include "nnlab/report/line_chart.h"

namespace nnlab::lab {
namespace {

// For one tag: configuration -> (epoch -> the values of its seeds, and the step of that epoch).
using Curves = std::map<std::string, std::map<std::int64_t, std::pair<std::vector<double>, std::int64_t>>>;

// Each finished trial's records, read once for every chart: configuration -> records.
using TrialRecords = std::vector<std::pair<std::string, io::RunRecords>>;

Curves curves_of(const TrialRecords& trials, const std::string& tag) {
  Curves curves;
  for (const auto& [configuration, records] : trials) {
    for (const train::ScalarRecord& r : records.series(tag)) {
      auto& [values, step] = curves[configuration][r.epoch];
      values.push_back(r.value);
      step = r.step;
    }
  }
  return curves;
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? NAN : sum / static_cast<double>(values.size());
}

std::string file_stem(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return text;
}

bool all_positive(const std::vector<report::Series>& series) {
  for (const auto& s : series) {
    for (double v : s.y) {
      if (std::isfinite(v) && v <= 0) return false;
    }
  }
  return true;
}

std::optional<double> number_of(const std::string& text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void draw_curves(const SweepOutcome& sweep, const TrialRecords& trials, const std::vector<ResultRow>& rows,
                 const std::string& tag, std::vector<report::ChartFiles>& written) {
  const Curves curves = curves_of(trials, tag);
  if (curves.empty()) return;
  const bool loss = tag.ends_with("loss");
  for (const bool by_step : {false, true}) {
    if (by_step && !loss) continue;  // accuracy or a norm against epochs is enough
    report::LineChart chart{.title = fmt::format("{} of every configuration (mean over seeds)", tag),
                            .x_label = by_step ? "optimiser step" : "epoch",
                            .y_label = tag,
                            .series = {},
                            .markers = true};
    for (const ResultRow& row : rows) {  // in rank order: the legend reads best first
      const auto found = curves.find(row.configuration);
      if (found == curves.end()) continue;
      report::Series series{.name = row.configuration, .x = {}, .y = {}, .error = {}};
      for (const auto& [epoch, values] : found->second) {
        series.x.push_back(static_cast<double>(by_step ? values.second : epoch));
        series.y.push_back(mean(values.first));
      }
      chart.series.push_back(std::move(series));
    }
    chart.log_y = !tag.ends_with("accuracy") && all_positive(chart.series);
    written.push_back(report::plot_lines(
        sweep.folder / "plots" / fmt::format("{}_by_{}", file_stem(tag), by_step ? "step" : "epoch"), chart));
  }
}

// The final rank_by against one numeric grid key: a line per combination of the other keys.
void draw_against_key(const SweepOutcome& sweep, const std::vector<ResultRow>& rows, std::size_t key,
                      std::vector<report::ChartFiles>& written) {
  std::map<std::string, report::Series> lines;
  bool positive = true;
  const std::string& key_name = rows.front().settings[key].first;
  for (const ResultRow& row : rows) {
    // A key not every configuration sets (one variant's own) is no axis to compare along.
    if (row.settings.size() <= key || row.settings[key].first != key_name) return;
    if (row.metrics.empty()) continue;
    const std::optional<double> x = number_of(row.settings[key].second);
    if (!x) return;  // not a numeric key
    positive = positive && *x > 0;
    std::string others;
    for (std::size_t i = 0; i < row.settings.size(); ++i) {
      if (i != key)
        others += fmt::format("{}{}={}", others.empty() ? "" : ",", row.settings[i].first, row.settings[i].second);
    }
    report::Series& line = lines[others];
    line.name = others.empty() ? sweep.rank_by : others;
    line.x.push_back(*x);
    line.y.push_back(row.metrics.front().final.mean);
    line.error.push_back(row.metrics.front().final.std);
  }
  if (lines.empty()) return;
  report::LineChart chart{.title = fmt::format("Final {} against {}", sweep.rank_by, rows.front().settings[key].first),
                          .x_label = rows.front().settings[key].first,
                          .y_label = fmt::format("{} (mean ± std over seeds)", sweep.rank_by),
                          .series = {},
                          .markers = true};
  double low = INFINITY, high = 0;
  for (auto& [name, line] : lines) {
    std::vector<std::size_t> order(line.x.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return line.x[a] < line.x[b]; });
    report::Series sorted{.name = line.name, .x = {}, .y = {}, .error = {}};
    for (std::size_t i : order) {
      sorted.x.push_back(line.x[i]);
      sorted.y.push_back(line.y[i]);
      sorted.error.push_back(line.error[i]);
      low = std::min(low, line.x[i]);
      high = std::max(high, line.x[i]);
    }
    chart.series.push_back(std::move(sorted));
  }
  chart.log_x = positive && high >= 10 * low;  // learning rates and batch sizes spread over decades
  if (std::none_of(chart.series.begin(), chart.series.end(), [](const report::Series& s) {
        return std::any_of(s.y.begin(), s.y.end(), [](double v) { return std::isfinite(v); });
      })) {
    return;
  }
  written.push_back(report::plot_lines(
      sweep.folder / "plots" /
          fmt::format("{}_vs_{}", file_stem(sweep.rank_by), file_stem(rows.front().settings[key].first)),
      chart));
}

}  // namespace

std::vector<report::ChartFiles> draw_sweep_plots(const SweepOutcome& sweep, const std::vector<ResultRow>& rows) {
  std::vector<report::ChartFiles> written;
  if (std::none_of(rows.begin(), rows.end(), [](const ResultRow& r) { return r.finished > 0; })) return written;
  std::vector<std::string> tags = {sweep.rank_by};
  for (const char* tag : {"train/loss", "val/loss"}) {
    if (tag != sweep.rank_by) tags.emplace_back(tag);
  }
  for (const std::string& tag : sweep.compare) {
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
  }
  TrialRecords trials;
  for (const TrialOutcome& t : sweep.trials) {
    if (t.status == TrialStatus::finished) trials.emplace_back(t.trial.configuration, io::read_run_records(t.folder));
  }
  for (const std::string& tag : tags) draw_curves(sweep, trials, rows, tag, written);
  // Grid keys are the settings every configuration shares the names of; variants and random
  // draws add others, which are left out here.
  if (!rows.empty()) {
    for (std::size_t key = 0; key < rows.front().settings.size(); ++key) draw_against_key(sweep, rows, key, written);
  }
  if (auto fits = draw_function_fits(sweep, rows)) written.push_back(std::move(*fits));
  return written;
}

}  // namespace nnlab::lab
