#pragma once
// The interactive charts of a sweep's report.html: one Chart.js line chart per metric, a line per
// trial, in the format report/html_charts.h gives a run's charts (the same page script draws them).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/io/metrics_log.h"
#include "nnlab/lab/sweep_runner.h"

namespace nnlab::lab {

// One trial's logs as read from its run folder.
struct TrialRecords {
  const TrialOutcome* trial = nullptr;
  std::optional<io::RunRecords> records{};  // nothing: no run folder, or logs that do not read
  std::string problem{};                    // why records is empty ("no run folder", the read error)
};

// Every trial of `sweep` in plan order. Never throws for a missing or unreadable trial folder:
// the problem is kept instead.
std::vector<TrialRecords> read_trial_records(const SweepOutcome& sweep);

struct SweepCharts {
  std::string html{};             // the chart cards, or a "not recorded" line
  nlohmann::ordered_json spec{};  // {"charts": [...]}, what #nnlab-charts holds
};

// A chart per epoch-level metric any trial recorded (report/scalar_groups.h's sorting; timings
// and per-parameter tags left out), then one of "step/loss" over the optimiser step. Each is
// titled with its tag and has a line per trial that recorded it, labelled with the trial's
// name; the lines of epoch-level charts also carry "step", the step each record was made at,
// which the compare script needs to say where two trials part.
SweepCharts sweep_charts(const std::vector<TrialRecords>& trials);

}  // namespace nnlab::lab
