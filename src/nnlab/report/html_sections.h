#pragma once
// The text and picture sections of report.html. Each returns the inside of its <section> (after
// the <h2>), with every string escaped; what the run folder does not hold reads "not recorded".
#include <optional>
#include <string>
#include <vector>

#include "nnlab/report/report_inputs.h"

namespace nnlab::report {

// run.json: the command in a <pre> with a copy button, then every other key (libraries as a
// nested table).
std::string reproduce_section(const ReportInputs& inputs);

// `text` verbatim in a <pre>, or "<what> not recorded." when absent.
std::string text_section(const std::optional<std::string>& text, const std::string& what);

// Every picture of `plots` (plots/*.png) as a data: URI <img>, captioned with its file stem.
std::string plots_section(const std::vector<PlotFile>& plots);

// The last ImageRecord of each tag as a grid of small captioned images (PNG data: URIs), then
// the snapshot files probes.jsonl lists; "" when the run has neither.
std::string images_section(const ReportInputs& inputs);

}  // namespace nnlab::report
