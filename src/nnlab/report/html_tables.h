#pragma once
// The tabular sections of report.html: the run's status and final numbers, one row per epoch,
// and timing. Each returns the inside of its <section> (after the <h2>), with every string
// escaped; what the run folder does not hold yet reads "not recorded".
#include <string>

#include "nnlab/report/report_inputs.h"

namespace nnlab::report {

// The status badge for the page's header: the stop reason from summary.json, or "in progress"
// while summary.json is missing.
std::string status_badge(const ReportInputs& inputs);

// Final train/val/test loss and accuracy from summary.json, or from the last epoch's scalars
// while it is missing; beside them the run's facts (epochs, steps, parameters, dataset).
std::string overview_section(const ReportInputs& inputs);

// One row per epoch, one column per epoch-level tag (scalar_groups.h).
std::string epochs_section(const ReportInputs& inputs);

// Total seconds, seconds per epoch, steps and time per step.
std::string timing_section(const ReportInputs& inputs);

}  // namespace nnlab::report
