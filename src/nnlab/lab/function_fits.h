#pragma once
// E8: the functions a sweep's networks learned, over the target, in one chart. For a sweep whose
// trials fit a 1-D function (one input, one output: data.dataset = "function"), each
// configuration's first finished trial is rebuilt from its run folder (config.toml and
// model.safetensors) and evaluated on every example of its data, sorted by x.
#include <optional>
#include <vector>

#include "nnlab/lab/sweep_results.h"
#include "nnlab/report/chart.h"

namespace nnlab::lab {

// SWEEP_DIR/plots/fitted_functions (PNG and SVG): the target and a line per configuration, in
// rank order. Nothing when the trials do not fit a 1-D function or none finished.
std::optional<report::ChartFiles> draw_function_fits(const SweepOutcome& sweep, const std::vector<ResultRow>& rows);

}  // namespace nnlab::lab
