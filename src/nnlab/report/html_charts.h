#pragma once
// The interactive charts of report.html: a card with a <canvas> per chart, and the JSON that
// the page script (html_assets.h) draws them from with Chart.js.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "nnlab/io/metrics_log.h"

namespace nnlab::report {

struct ReportCharts {
  std::string curves_html;      // one card per scalar group (scalar_groups.h), or a "not recorded" line
  std::string histograms_html;  // one bar-chart card per histogram tag (its last record), or ""
  nlohmann::ordered_json spec;  // {"charts": [...]}, what #nnlab-charts holds
  std::size_t count = 0;        // charts described: the page sets data-charts-drawn to this when all draw
};

// Line charts keep every point (no down-sampling); NaN and infinite values are gaps (null).
// Each line chart offers smoothing (a trailing moving average, off by default) and a log y axis.
ReportCharts build_charts(const io::RunRecords& records);

}  // namespace nnlab::report
