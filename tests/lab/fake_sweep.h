#pragma once
// A sweep folder written by hand for the sweep report tests: sweep.toml, results.csv, plots/
// (draw_sweep_plots) and trials/ run folders from report/html_report_fixture.h, each finished
// one with its report.html. Six trials, two seeds of three configurations, in plan order:
//   lr=0.1,hidden=[64,32]   seed 0 finished (val/accuracy 0.8), seed 1 finished (0.82)
//   lr=0.01,hidden=[64,32]  seed 0 finished (0.9; its step losses part from seed 0 of lr=0.1 at
//                           step kPartAtStep), seed 1 diverged after one epoch with kHostileReason
//                           (a run folder without summary.json or report.html)
//   lr=1,hidden=[64,32]     seed 0 not run (no folder), seed 1 failed with a metrics.jsonl
//                           line that is not a record
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/lab/sweep_results.h"

namespace nnlab::testing {

inline constexpr const char* kHostileReason = "loss is nan </script><b>boom</b> <!-- x";
inline constexpr std::int64_t kPartAtStep = 7;

struct FakeSweep {
  lab::SweepOutcome outcome;
  std::vector<lab::ResultRow> rows;  // collect_results(outcome)
};

// Writes the sweep folder "mlp-sweep-20261206-150000" under `parent`.
FakeSweep write_fake_sweep(const std::filesystem::path& parent);

}  // namespace nnlab::testing
