#pragma once
// "Compare two trials" on a sweep's report.html: two <select>s over the trials; for the chosen
// pair the page's script shows what `nnlab diff` (lab/run_diff.h) would: the settings and seed
// that differ, the final metrics side by side, both loss curves and the first step where the
// losses part, compared exactly as recorded, and the `nnlab diff` command for the full diff. It
// reads the trials' curves from the page's chart data (sweep_report_charts.h). The address
// `report.html#compare=A|B` (names URI-encoded) opens with A and B chosen.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/lab/sweep_report_charts.h"

namespace nnlab::lab {

// The id of the JSON block compare_data goes in.
inline constexpr const char* kCompareDataId = "nnlab-sweep";

// The section's markup: the two selects, and the empty tables, chart and command the script fills.
std::string compare_section();

// {"trials": [{"name", "status", "reason", "seed" (text), "settings": [[key, value], ...],
// "problem"}]} in plan order; "problem" says why a trial's records are missing ("" when they are not).
nlohmann::ordered_json compare_data(const std::vector<TrialRecords>& trials);

// The script: runs after Chart.js and the charts script, reads #nnlab-sweep and #nnlab-charts.
std::string_view compare_script();

}  // namespace nnlab::lab
