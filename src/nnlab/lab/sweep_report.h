#pragma once
// A sweep's report.html: one self-contained page in the sweep folder, made from the trials' run
// folders (never from live objects), beside each trial's own report.html:
//   overview   the trial counts by status, rank_by
//   results    the ranked table (collect_results), each configuration's trials linked to their reports
//   curves     one interactive chart per metric the trials recorded, a line per trial (Chart.js)
//   compare    two trials chosen in the page: the settings that differ, final metrics, both loss
//              curves and the first step where the losses part, as `nnlab diff` computes them
//   plots      plots/*.png (draw_sweep_plots), inline
//   sweep file sweep.toml as given
// The page reads `#compare=A|B` (each trial name URI-encoded) to open with A and B compared.
#include <string>
#include <vector>

#include "nnlab/lab/sweep_results.h"

namespace nnlab::lab {

// The page for `sweep` and its `rows` (collect_results(sweep)). A trial folder may be missing
// (not run) or partial: what it lacks reads "not recorded"; a trial whose logs do not read is
// shown with the error rather than thrown. Every text from files is escaped.
std::string render_sweep_report(const SweepOutcome& sweep, const std::vector<ResultRow>& rows);

// Writes render_sweep_report to sweep.folder/report.html atomically (a reader never sees half a
// page). Throws IoError when the file cannot be written.
void write_sweep_report(const SweepOutcome& sweep, const std::vector<ResultRow>& rows);

}  // namespace nnlab::lab
