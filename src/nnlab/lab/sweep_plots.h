#pragma once
// A sweep's comparison charts, in SWEEP_DIR/plots/ (PNG and SVG):
//   <metric>_by_epoch, <metric>_by_step   every configuration's curve (mean over its seeds)
//                                         for rank_by, the train / val losses and the tags of
//                                         [sweep] compare (E2's weight norms; by step: losses, E6)
//   <rank_by>_vs_<key>                    the final rank_by against each numeric grid key, a
//                                         line per value of the other keys, bars ± std over seeds
//                                         (E6's accuracy vs depth and width, E11's sensitivity vs batch size)
//   fitted_functions                      a 1-D function's fits over the target (E8; function_fits.h)
#include <vector>

#include "nnlab/lab/sweep_results.h"
#include "nnlab/report/chart.h"

namespace nnlab::lab {

// Returns the files written; a chart with nothing to draw (no finished trial) is left out.
std::vector<report::ChartFiles> draw_sweep_plots(const SweepOutcome& sweep, const std::vector<ResultRow>& rows);

}  // namespace nnlab::lab
