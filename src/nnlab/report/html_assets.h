#pragma once
// The fixed text of report.html: its style sheet and its two scripts. The page's data travels
// separately, as JSON in <script type="application/json" id="nnlab-charts">.
#include <string_view>

namespace nnlab::report {

// The style sheet: a readable single column, tables, chart cards, image grids.
std::string_view report_css();

// Runs first, in <head>: records every uncaught error and console.error call into
// document.body.dataset.errors (the body attribute data-errors), so a headless browser's DOM dump
// shows whether the page worked.
std::string_view self_check_script();

// Runs last, after Chart.js: draws every chart described in #nnlab-charts, wires each chart's
// smoothing and log-scale controls and the copy buttons, then sets document.body.dataset.chartsDrawn
// to the number of Chart instances it created.
std::string_view charts_script();

}  // namespace nnlab::report
