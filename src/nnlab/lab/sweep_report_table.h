#pragma once
// The tabular parts of a sweep's report.html: the trial counts and the ranked results table,
// each configuration's trials linked to their own report.html. Every string is escaped.
#include <string>
#include <vector>

#include "nnlab/lab/sweep_results.h"

namespace nnlab::lab {

// A trial's status as the page shows it: its words and the badge class (ok, warn, bad).
struct StatusLabel {
  const char* text = "";
  const char* css = "";
};
StatusLabel status_label(TrialStatus status);

// The link from the sweep folder to a trial's report: "trials/<name, URL-encoded>/report.html".
std::string trial_report_href(const TrialOutcome& trial);

// The trials counted by status (finished, diverged, failed, pruned, not run, then any other),
// the configurations, rank_by and whether the sweep was interrupted, as a table.
std::string overview_section(const SweepOutcome& sweep, const std::vector<ResultRow>& rows);

// One row per configuration in rank order: rank, configuration, the swept values, n, rank_by's
// final mean ± std with its 95 % interval, best, the other metrics' means, seconds, steps per
// epoch, a note on trials that did not finish, and each trial with its status and a link to its
// report (or "not recorded" where it has none). `link_prefix` goes before each link (the
// sweep folder's path from a page elsewhere, "lr/" in an experiment's report). With [sweep]
// top = N (and more rows), the best N rows come first and the others in a folded table.
std::string results_section(const SweepOutcome& sweep, const std::vector<ResultRow>& rows,
                            const std::string& link_prefix = "");

}  // namespace nnlab::lab
