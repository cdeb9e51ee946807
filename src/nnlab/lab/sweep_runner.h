#pragma once
// `nnlab sweep`: every trial of a sweep's plan trained as its own `nnlab train` process, up to
// `jobs` at once, in a sweep folder:
//   <out>/<name>-<date>-<time>/  sweep.toml (the file as given), base.toml (without [sweep]),
//                                plan.json (the trials and their overrides), journal.jsonl (one
//                                line per trial that ended: finished, diverged or failed, and
//                                why), trials/<trial>/ (ordinary run folders), trials/<trial>.log
// A trial that fails or diverges is recorded and the sweep goes on. Ctrl-C stops starting
// trials, lets the running ones end, and leaves a folder that resume_sweep completes.
// Under mpirun, rank 0 plans, hands each free slot of every rank the next trial and writes the
// journal; the sweep folder must be on a file system every host sees.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nnlab/lab/mpi_link.h"
#include "nnlab/lab/sweep_plan.h"

namespace nnlab::lab {

struct SweepRunOptions {
  std::vector<std::string> overrides;    // --set, applied to every trial before its own settings
  std::filesystem::path out = "sweeps";  // parent of the sweep folder
  std::filesystem::path dir;             // set: the sweep folder itself, created new (an experiment's part)
  std::int64_t jobs = 1;                 // trials at once (>= 1)
  std::ostream* progress = nullptr;      // one line per trial started and ended
  std::filesystem::path nnlab;           // the executable that trains a trial
  const MpiLink* mpi = nullptr;          // under mpirun: rank 0 leads, the others run trials
};

// pruned: stopped at a rung of [sweep.prune] for being behind the others there.
enum class TrialStatus { finished, diverged, failed, pruned, not_run };
// "finished", "diverged", "failed", "pruned", "not_run": the names the journal uses.
const char* to_string(TrialStatus status);

struct TrialOutcome {
  Trial trial;
  TrialStatus status = TrialStatus::not_run;
  std::string reason;                // why it diverged, failed or was pruned
  std::filesystem::path folder;      // its run folder
  std::int64_t pruned_at_epoch = 0;  // the rung where it stopped (pruned only)
};

struct SweepOutcome {
  std::filesystem::path folder;
  std::string rank_by;
  std::int64_t top = 0;
  std::optional<io::PruneConfig> prune;
  std::vector<std::string> compare;  // [sweep] compare: more metrics to tabulate and chart
  std::vector<TrialOutcome> trials;  // in plan order
  bool interrupted = false;          // Ctrl-C: some trials did not run
  bool worker = false;               // an MPI rank other than 0: it ran trials, rank 0 has the results
};

// Plans the sweep in `config` (every trial checked first), creates its folder and runs it.
SweepOutcome run_sweep(const std::filesystem::path& config, const SweepRunOptions& options);

// A sweep folder as it stands: its plan and how each trial ended so far; runs and changes nothing.
SweepOutcome open_sweep(const std::filesystem::path& sweep_dir);

// Runs the trials of an existing sweep folder that have not ended (a partly written trial
// folder is removed first); the plan and its overrides are the folder's.
SweepOutcome resume_sweep(const std::filesystem::path& sweep_dir, const SweepRunOptions& options);

}  // namespace nnlab::lab
