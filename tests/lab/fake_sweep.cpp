#include "lab/fake_sweep.h"

#include <fmt/format.h>

#include "nnlab/io/atomic_file.h"
#include "nnlab/lab/sweep_plots.h"
#include "nnlab/report/html_report.h"
#include "report/html_report_fixture.h"

namespace nnlab::testing {
namespace {

namespace fs = std::filesystem;

// The comment holds the characters HTML must escape.
constexpr const char* kSweepToml =
    "name = \"mlp-sweep\"\n# lr < 1 & <b>not bold</b>\n\n[optim]\nname = \"sgd\"\nlr = 0.1\n\n[sweep]\n"
    "grid = { \"optim.lr\" = [0.1, 0.01, 1.0], \"model.hidden\" = [[64, 32]] }\nseeds = 2\n";

lab::TrialOutcome trial(const fs::path& sweep_dir, const std::string& lr, std::uint64_t seed, lab::TrialStatus status,
                        const std::string& reason) {
  lab::TrialOutcome t;
  t.trial.configuration = fmt::format("lr={},hidden=[64,32]", lr);
  t.trial.name = fmt::format("{},seed={}", t.trial.configuration, seed);
  t.trial.settings = {{"optim.lr", lr}, {"model.hidden", "[64, 32]"}};
  t.trial.seed = seed;
  t.trial.overrides = {"optim.lr=" + lr, "model.hidden=[64, 32]", fmt::format("seed={}", seed)};
  t.status = status;
  t.reason = reason;
  t.folder = sweep_dir / "trials" / t.trial.name;
  return t;
}

// A finished trial: a whole run folder and its report.html.
void finished_run(const lab::TrialOutcome& t, double val_accuracy, std::int64_t part_at_step) {
  const FakeRunOptions options{
      .epochs = 3, .steps_per_epoch = 5, .val_accuracy = val_accuracy, .part_at_step = part_at_step};
  report::write_html_report(write_fake_run(t.folder, options));
}

}  // namespace

FakeSweep write_fake_sweep(const fs::path& parent) {
  FakeSweep sweep;
  lab::SweepOutcome& outcome = sweep.outcome;
  outcome.folder = parent / "mlp-sweep-20261206-150000";
  outcome.rank_by = "val/accuracy";
  fs::create_directories(outcome.folder / "trials");
  io::write_file_atomically((outcome.folder / "sweep.toml").string(), kSweepToml);
  using lab::TrialStatus;
  outcome.trials = {trial(outcome.folder, "0.1", 0, TrialStatus::finished, ""),
                    trial(outcome.folder, "0.1", 1, TrialStatus::finished, ""),
                    trial(outcome.folder, "0.01", 0, TrialStatus::finished, ""),
                    trial(outcome.folder, "0.01", 1, TrialStatus::diverged, kHostileReason),
                    trial(outcome.folder, "1", 0, TrialStatus::not_run, ""),
                    trial(outcome.folder, "1", 1, TrialStatus::failed, "exit status 1")};
  finished_run(outcome.trials[0], 0.8, 0);
  finished_run(outcome.trials[1], 0.82, 0);
  finished_run(outcome.trials[2], 0.9, kPartAtStep);
  write_fake_run(outcome.trials[3].folder, {.epochs = 1, .steps_per_epoch = 5, .finished = false, .extras = false});
  fs::create_directories(outcome.trials[5].folder);
  io::write_file_atomically((outcome.trials[5].folder / "metrics.jsonl").string(), "{not a record\n");
  sweep.rows = lab::collect_results(outcome);
  io::write_file_atomically((outcome.folder / "results.csv").string(), lab::results_csv(sweep.rows));
  lab::draw_sweep_plots(outcome, sweep.rows);
  return sweep;
}

}  // namespace nnlab::testing
