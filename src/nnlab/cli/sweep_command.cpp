// nnlab sweep CONFIG [--jobs N] [--dry-run], nnlab sweep --resume SWEEP_DIR.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/lab/mpi_link.h"
#include "nnlab/lab/sweep_plots.h"
#include "nnlab/lab/sweep_report.h"
#include "nnlab/lab/sweep_results.h"
#include "nnlab/lab/sweep_runner.h"
#include "nnlab/lab/trial_process.h"

namespace nnlab::cli {
namespace {

struct SweepFlags {
  std::string config;
  std::string resume;
  std::vector<std::string> overrides;
  std::string out;
  std::string dir;
  std::int64_t jobs = 1;
  bool dry_run = false;
};

// results.csv and the printed table; the exit status: 0, 1 when no trial finished, 130 when
// interrupted (as a shell reports Ctrl-C).
int finish(const lab::SweepOutcome& outcome) {
  if (outcome.worker) return 0;  // rank 0 writes the results
  const std::vector<lab::ResultRow> rows = lab::collect_results(outcome);
  io::write_file_atomically((outcome.folder / "results.csv").string(), lab::results_csv(rows));
  const auto plots = lab::draw_sweep_plots(outcome, rows);
  lab::write_sweep_report(outcome, rows);  // after the plots: the page inlines them
  std::cout << "\n"
            << lab::results_table(rows, outcome.rank_by, outcome.top)
            << fmt::format("{} comparison plots in {}\n", plots.size(), (outcome.folder / "plots").string())
            << "report: " << (outcome.folder / "report.html").string() << "\n"
            << "sweep folder: " << outcome.folder.string() << "\n";
  if (outcome.interrupted) {
    std::cerr << fmt::format("nnlab: sweep interrupted; run the remaining trials with: nnlab sweep --resume {}\n",
                             outcome.folder.string());
    return 130;
  }
  const bool any = std::any_of(rows.begin(), rows.end(), [](const lab::ResultRow& r) { return r.finished > 0; });
  if (!any) std::cerr << "nnlab: no trial of the sweep finished; see trials/*.log in its folder\n";
  return any ? 0 : 1;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& status) {
  auto flags = std::make_shared<SweepFlags>();
  CLI::App* command = app.add_subcommand(
      "sweep", "Run every trial of the [sweep] in CONFIG (grid, variants, random search, seeds) and rank them");
  command->add_option("config", flags->config, "the experiment's TOML file, with a [sweep] table")
      ->check(regular_file());
  command->add_option("--resume", flags->resume, "a sweep folder: run its trials that have not ended")
      ->type_name("DIR");
  command->add_option("--set", flags->overrides, "override a config key in every trial (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  command->add_option("--out", flags->out, "parent folder of the sweep folder (default sweeps)")->type_name("DIR");
  command->add_option("--sweep-dir", flags->dir, "the sweep folder itself, created new (instead of under --out)")
      ->type_name("DIR");
  command->add_option("--jobs", flags->jobs, "trials at once, each a process with cores / jobs threads (default 1)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  command->add_flag("--dry-run", flags->dry_run, "list the trials, run nothing");
  command->callback([flags, &status] {
    NNLAB_CHECK(flags->config.empty() != flags->resume.empty(), ConfigError,
                "sweep: expected a CONFIG to start a sweep or --resume SWEEP_DIR to finish one, {}",
                flags->config.empty() ? "got neither" : "got both");
    const std::filesystem::path nnlab = lab::this_executable();
    const std::unique_ptr<lab::MpiLink> mpi = lab::MpiLink::open_if_launched(nnlab.parent_path());
    lab::SweepRunOptions options{.overrides = flags->overrides,
                                 .out = flags->out.empty() ? "sweeps" : flags->out,
                                 .dir = flags->dir,
                                 .jobs = flags->jobs,
                                 .progress = &std::cout,
                                 .nnlab = nnlab,
                                 .mpi = mpi.get()};
    if (!flags->resume.empty()) {
      status = finish(lab::resume_sweep(flags->resume, options));
      return;
    }
    if (flags->dry_run) {
      if (mpi && mpi->rank() != 0) return;  // one list is enough
      const io::SweepFile file = io::load_sweep_file(flags->config, flags->overrides);
      std::cout << lab::describe_plan(lab::plan_sweep(file, flags->overrides));
      status = 0;
      return;
    }
    status = finish(lab::run_sweep(flags->config, options));
  });
}

}  // namespace nnlab::cli
