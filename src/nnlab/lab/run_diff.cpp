// diff_runs and plot_diff: two run folders compared through their config.toml and metrics.jsonl.
#include "nnlab/lab/run_diff.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/io/config.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/report/line_chart.h"

namespace nnlab::lab {
namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kFinalTags[] = {"train/loss", "train/accuracy", "val/loss", "val/accuracy",
                                      "test/loss",  "test/accuracy",  "lr"};
constexpr const char* kPlottedTags[] = {"train/loss", "val/loss", "step/loss"};

// Bitwise, so that two NaN losses written alike count as the same and -0.0 differs from 0.0:
// nnlab is deterministic, and "the same" means the same bits.
bool same_value(double x, double y) { return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y); }

// The run's config as to_toml writes it, one (key, value) per "key = value" line, keys prefixed
// by their section ("optim.lr"); the n-th [[model.layers]] (from 1) gives "model.layers[n].out".
KeyValues config_lines(const io::RunFolder& folder) {
  const std::string text = io::to_toml(io::load_config(folder.config()));
  KeyValues lines;
  std::string prefix;
  int layer = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with("[[")) {  // the only array of tables is [[model.layers]]
      prefix = fmt::format("{}[{}].", line.substr(2, line.size() - 4), ++layer);
    } else if (line.starts_with('[')) {
      prefix = line.substr(1, line.size() - 2) + ".";
    } else if (const std::size_t equals = line.find(" = "); equals != std::string::npos) {
      std::string key = prefix + line.substr(0, equals);
      if (key != "name" && key != "out") lines.emplace_back(std::move(key), line.substr(equals + 3));
    }
  }
  return lines;
}

std::vector<std::tuple<std::string, std::string, std::string>> config_differences(const KeyValues& a,
                                                                                  const KeyValues& b) {
  std::vector<std::tuple<std::string, std::string, std::string>> differences;
  const auto value_in = [](const KeyValues& lines, const std::string& key) {
    const auto it = std::find_if(lines.begin(), lines.end(), [&](const auto& line) { return line.first == key; });
    return it == lines.end() ? std::string() : it->second;
  };
  for (const auto& [key, value] : a) {
    const std::string other = value_in(b, key);
    if (other != value) differences.emplace_back(key, value, other);
  }
  for (const auto& [key, value] : b) {  // keys only B has (more layers), after A's
    if (std::none_of(a.begin(), a.end(), [&](const auto& line) { return line.first == key; })) {
      differences.emplace_back(key, std::string(), value);
    }
  }
  return differences;
}

// Every scalar but the wall-clock timings (time/...), grouped by tag: what must agree between
// two runs of the same config.
std::map<std::string, std::vector<train::ScalarRecord>> untimed_series(const io::RunRecords& records) {
  std::map<std::string, std::vector<train::ScalarRecord>> series;
  for (const train::ScalarRecord& record : records.scalars) {
    if (!record.tag.starts_with("time/")) series[record.tag].push_back(record);
  }
  return series;
}

bool same_records(const std::vector<train::ScalarRecord>& a, const std::vector<train::ScalarRecord>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.step == y.step && x.epoch == y.epoch && same_value(x.value, y.value);
  });
}

// The step of the first loss record that differs (in step or value) between a and b; the first
// step past the shorter of the two when they agree as far as both go; nothing when they agree.
std::optional<std::int64_t> first_difference(const std::vector<train::ScalarRecord>& a,
                                             const std::vector<train::ScalarRecord>& b) {
  const std::size_t shared = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < shared; ++i) {
    if (a[i].step != b[i].step || !same_value(a[i].value, b[i].value)) return std::min(a[i].step, b[i].step);
  }
  if (a.size() == b.size()) return std::nullopt;
  return (a.size() > shared ? a : b)[shared].step;
}

}  // namespace

RunDiff diff_runs(const std::filesystem::path& a, const std::filesystem::path& b) {
  const io::RunFolder folder_a = io::RunFolder::open(a);
  const io::RunFolder folder_b = io::RunFolder::open(b);
  RunDiff diff;
  diff.config = config_differences(config_lines(folder_a), config_lines(folder_b));

  const io::RunRecords records_a = io::read_run_records(a);
  const io::RunRecords records_b = io::read_run_records(b);
  for (const char* tag : kFinalTags) {
    const auto series_a = records_a.series(tag);
    const auto series_b = records_b.series(tag);
    if (!series_a.empty() && !series_b.empty())
      diff.finals.emplace_back(tag, series_a.back().value, series_b.back().value);
  }

  auto steps_a = records_a.series("step/loss");
  auto steps_b = records_b.series("step/loss");
  diff.losses_by_step = !steps_a.empty() && !steps_b.empty();
  if (!diff.losses_by_step) {
    steps_a = records_a.series("train/loss");
    steps_b = records_b.series("train/loss");
  }
  diff.first_differing_step = first_difference(steps_a, steps_b);
  diff.losses_compared = static_cast<std::int64_t>(std::min(steps_a.size(), steps_b.size()));
  const auto untimed_a = untimed_series(records_a);
  const auto untimed_b = untimed_series(records_b);
  diff.identical = diff.config.empty() && std::ranges::equal(untimed_a, untimed_b, [](const auto& x, const auto& y) {
                     return x.first == y.first && same_records(x.second, y.second);
                   });
  return diff;
}

report::ChartFiles plot_diff(const RunDiff& diff, const std::filesystem::path& a, const std::filesystem::path& b,
                             const std::filesystem::path& out_stem) {
  report::LineChart chart{.title = "A: " + a.filename().string() + "   B: " + b.filename().string(),
                          .x_label = "optimiser step",
                          .y_label = "loss"};
  if (diff.first_differing_step) chart.title += fmt::format("   (losses part at step {})", *diff.first_differing_step);
  bool positive = true;
  for (const auto& [side, dir] : {std::pair{"A", a}, std::pair{"B", b}}) {
    const io::RunRecords records = io::read_run_records(dir);
    for (const char* tag : kPlottedTags) {
      report::Series series{.name = fmt::format("{}: {}", side, tag)};
      for (const train::ScalarRecord& record : records.series(tag)) {
        series.x.push_back(static_cast<double>(record.step));
        series.y.push_back(record.value);
        if (std::isfinite(record.value) && record.value <= 0) positive = false;
      }
      if (!series.x.empty()) chart.series.push_back(std::move(series));
    }
  }
  NNLAB_CHECK(!chart.series.empty(), DataError,
              "plot_diff: expected loss records (train/loss, val/loss or step/loss) in '{}' or '{}', got none",
              a.string(), b.string());
  chart.log_y = positive;
  return report::plot_lines(out_stem, chart);
}

}  // namespace nnlab::lab
