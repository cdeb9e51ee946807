#include "nnlab/lab/sweep_report_charts.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/error.h"
#include "nnlab/report/html_charts.h"
#include "nnlab/report/scalar_groups.h"

namespace nnlab::lab {
namespace {

using Json = nlohmann::ordered_json;
using RecordsByTag = std::unordered_map<std::string, std::vector<const train::ScalarRecord*>>;

// The one step-level tag charted: the others (step/lr, grad_norm/...) stay in each trial's own
// report, since a line per trial over every step of each would make the page heavy.
constexpr const char* kStepLoss = "step/loss";

struct ChartedTag {
  std::string tag;
  bool per_epoch = false;
};

// The charted tags in order of first appearance over the trials; epoch-level ones first.
std::vector<ChartedTag> charted_tags(const std::vector<TrialRecords>& trials) {
  std::vector<ChartedTag> tags;
  bool step_loss = false;
  for (const TrialRecords& t : trials) {
    if (!t.records) continue;
    for (const report::ScalarGroup& group : report::scalar_groups(*t.records)) {
      for (const std::string& tag : group.tags) {
        const bool seen = std::any_of(tags.begin(), tags.end(), [&](const ChartedTag& c) { return c.tag == tag; });
        if (group.per_epoch && !seen && !report::names_a_parameter(tag)) tags.push_back({tag, true});
        step_loss = step_loss || tag == kStepLoss;
      }
    }
  }
  if (step_loss) tags.push_back({kStepLoss, false});
  return tags;
}

RecordsByTag by_tag(const io::RunRecords& records) {
  RecordsByTag series;
  for (const train::ScalarRecord& r : records.scalars) series[r.tag].push_back(&r);
  return series;
}

// One chart: a line per trial that recorded `charted.tag`.
Json chart_json(const ChartedTag& charted, const std::string& id, const std::vector<TrialRecords>& trials,
                const std::vector<RecordsByTag>& series, std::size_t& longest) {
  Json lines = Json::array();
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const auto found = series[i].find(charted.tag);
    if (found == series[i].end()) continue;
    Json line = report::line_series_json(trials[i].trial->trial.name, found->second, charted.per_epoch);
    if (charted.per_epoch) {
      Json steps = Json::array();
      for (const train::ScalarRecord* r : found->second) steps.push_back(r->step);
      line["step"] = std::move(steps);
    }
    longest = std::max(longest, found->second.size());
    lines.push_back(std::move(line));
  }
  return report::line_chart_json(id, charted.tag, charted.per_epoch, charted.tag, std::move(lines));
}

}  // namespace

std::vector<TrialRecords> read_trial_records(const SweepOutcome& sweep) {
  std::vector<TrialRecords> trials;
  for (const TrialOutcome& t : sweep.trials) {
    TrialRecords& read = trials.emplace_back();
    read.trial = &t;
    if (!std::filesystem::is_directory(t.folder)) {
      read.problem = "no run folder";
      continue;
    }
    try {
      read.records = io::read_run_records(t.folder);
    } catch (const Error& error) {  // a log line that is not a record: shown on the page, not thrown
      read.problem = error.what();
    }
  }
  return trials;
}

SweepCharts sweep_charts(const std::vector<TrialRecords>& trials) {
  std::vector<RecordsByTag> series;
  for (const TrialRecords& t : trials) series.push_back(t.records ? by_tag(*t.records) : RecordsByTag());
  SweepCharts charts{.html = {}, .spec = {{"charts", Json::array()}}};
  for (const ChartedTag& charted : charted_tags(trials)) {
    const std::string id = fmt::format("chart-{}", charts.spec["charts"].size() + 1);
    std::size_t longest = 0;
    charts.spec["charts"].push_back(chart_json(charted, id, trials, series, longest));
    charts.html += report::line_chart_card(id, charted.tag, longest);
  }
  if (charts.html.empty()) {
    charts.html = "<p class=\"none\">No trial recorded a metric yet.</p>\n";
  } else {
    charts.html.insert(0, "<div class=\"charts\">\n");
    charts.html += "</div>\n";
  }
  return charts;
}

}  // namespace nnlab::lab
