#pragma once
// The interactive charts of report.html: a card with a <canvas> per chart, and the JSON that
// the page script (html_assets.h) draws them from with Chart.js.
#include <cstddef>
#include <string>
#include <vector>

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

// The pieces build_charts makes its line charts of, for other pages with charts (a sweep's):
// One line: {"label", "x", "y", "right"}, x the records' epochs (per_epoch) or steps, y their
// values with NaN and infinite ones as null, as metrics.jsonl records them; `right`: on the lr axis.
nlohmann::ordered_json line_series_json(const std::string& label,
                                        const std::vector<const train::ScalarRecord*>& records, bool per_epoch,
                                        bool right = false);
// One chart: {"id", "kind": "line", "title", "x_title": "epoch" or "step", "y_title", "series"}.
nlohmann::ordered_json line_chart_json(const std::string& id, const std::string& title, bool per_epoch,
                                       const std::string& y_title, nlohmann::ordered_json series);
// The card a line chart is drawn in: its title, the smoothing and log-y controls (the smoothing
// window suited to a longest line of `longest` points) and the <canvas id="id">.
std::string line_chart_card(const std::string& id, const std::string& title, std::size_t longest);

}  // namespace nnlab::report
