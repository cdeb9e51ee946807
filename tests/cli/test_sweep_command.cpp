// nnlab sweep end to end: the trial folders, results.csv, --jobs, --resume, a diverging trial,
// --dry-run, sweep config errors, pruning and two MPI ranks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cli/nnlab_runner.h"

namespace nnlab {
namespace {

using testing::read_lines;
using testing::read_text;
using testing::run_nnlab;
using testing::write_text;

constexpr const char* kGrid = R"(name = "grid"
[data]
dataset = "map"
samples = 240
classes = 4
[model]
hidden = [8]
[optim]
name = "adam"
[train]
epochs = 2
batch_size = 40
tensorboard = false
[sweep]
grid = { "optim.lr" = [0.02, 0.002], "model.hidden" = [[8], [16]] }
seeds = 2
)";

// The sweep folder a `nnlab sweep` printed ("sweep folder: <dir>"), relative to `dir`.
std::filesystem::path sweep_folder_of(const testing::TempDir& dir, const testing::CommandResult& result) {
  const std::string marker = "sweep folder: ";
  const std::size_t at = result.out.rfind(marker);
  if (at == std::string::npos) return {};
  const std::size_t start = at + marker.size();
  return dir.path() / result.out.substr(start, result.out.find('\n', start) - start);
}

std::filesystem::path sweep_ok(const testing::TempDir& dir, const std::string& config,
                               const std::vector<std::string>& flags = {}) {
  std::vector<std::string> args = {"sweep", write_text(dir, "sweep.toml", config)};
  args.insert(args.end(), flags.begin(), flags.end());
  const testing::CommandResult result = run_nnlab(dir, args);
  EXPECT_EQ(result.status, 0) << result.out << result.err;
  return sweep_folder_of(dir, result);
}

// results.csv without the wall-time column: what must not depend on --jobs.
std::vector<std::string> results_without_timings(const std::filesystem::path& sweep) {
  std::vector<std::string> rows;
  for (std::string line : read_lines(sweep / "results.csv")) {
    const std::size_t last = line.rfind(',');
    const std::size_t before = line.rfind(',', last - 1);
    rows.push_back(line.substr(0, before) + line.substr(last));  // drop seconds_mean
  }
  return rows;
}

TEST(CliSweep, AGridTimesSeedsWritesEveryTrialAndARankedTable) {
  testing::TempDir dir;
  const auto sweep = sweep_ok(dir, kGrid, {"--out", "one"});
  ASSERT_FALSE(sweep.empty());
  EXPECT_EQ(sweep.parent_path().filename(), "one");
  std::vector<std::string> trials;
  for (const auto& entry : std::filesystem::directory_iterator(sweep / "trials")) {
    if (entry.is_directory()) trials.push_back(entry.path().filename());
  }
  std::sort(trials.begin(), trials.end());
  EXPECT_EQ(trials, (std::vector<std::string>{"lr=0.002,hidden=[16],seed=0", "lr=0.002,hidden=[16],seed=1",
                                              "lr=0.002,hidden=[8],seed=0", "lr=0.002,hidden=[8],seed=1",
                                              "lr=0.02,hidden=[16],seed=0", "lr=0.02,hidden=[16],seed=1",
                                              "lr=0.02,hidden=[8],seed=0", "lr=0.02,hidden=[8],seed=1"}));
  for (const std::string& trial : trials) {
    EXPECT_TRUE(std::filesystem::is_regular_file(sweep / "trials" / trial / "summary.json")) << trial;
    EXPECT_TRUE(std::filesystem::is_regular_file(sweep / "trials" / trial / "report.html")) << trial;
  }
  const auto csv = read_lines(sweep / "results.csv");
  ASSERT_EQ(csv.size(), 5u);  // a header and 4 configurations
  EXPECT_TRUE(
      csv[0].starts_with("rank,configuration,optim.lr,model.hidden,trials,finished,diverged,failed,pruned,"
                         "val/accuracy_mean,val/accuracy_std,val/accuracy_ci95,val/accuracy_n,"))
      << csv[0];
  EXPECT_TRUE(csv[0].ends_with(",parameters,seconds_mean,steps_per_epoch")) << csv[0];
  for (std::size_t i = 1; i < csv.size(); ++i) {
    EXPECT_NE(csv[i].find(",2,2,0,0,"), std::string::npos) << csv[i];  // 2 trials, both finished
    // 2-8-4 has 2*8+8 + 8*4+4 = 60 parameters; 2-16-4 has 116.
    const bool small = csv[i].find("[8]") != std::string::npos;
    EXPECT_NE(csv[i].find(small ? ",60," : ",116,"), std::string::npos) << csv[i];
  }
  EXPECT_TRUE(csv[1].starts_with("1,")) << csv[1];
  for (const char* plot : {"val_accuracy_by_epoch", "train_loss_by_epoch", "train_loss_by_step", "val_loss_by_step",
                           "val_accuracy_vs_optim_lr"}) {
    for (const char* extension : {".png", ".svg"}) {
      EXPECT_TRUE(std::filesystem::is_regular_file(sweep / "plots" / (std::string(plot) + extension))) << plot;
    }
  }
  // model.hidden is a list, not a number: no chart against it.
  EXPECT_FALSE(std::filesystem::exists(sweep / "plots" / "val_accuracy_vs_model_hidden.png"));
  // The sweep's own page, and TensorBoard's HParams records: the experiment, a session per trial.
  const std::string page = read_text(sweep / "report.html");
  EXPECT_NE(page.find("lr=0.02,hidden=[16]"), std::string::npos);
  EXPECT_NE(page.find("trials/lr%3D0.02%2Chidden%3D%5B16%5D%2Cseed%3D0/report.html"), std::string::npos);
  const auto hparams_files = [](const std::filesystem::path& tb) {
    std::size_t count = 0;
    if (std::filesystem::is_directory(tb)) {
      for (const auto& entry : std::filesystem::directory_iterator(tb)) count += entry.path().extension() == ".hparams";
    }
    return count;
  };
  EXPECT_EQ(hparams_files(sweep / "tb"), 1u);
  for (const std::string& trial : trials) EXPECT_EQ(hparams_files(sweep / "trials" / trial / "tb"), 1u) << trial;
}

TEST(CliSweep, TwoJobsGiveTheSameTableAsOne) {
  testing::TempDir dir;
  const auto one = sweep_ok(dir, kGrid, {"--out", "one", "--jobs", "1", "--set", "train.threads=1"});
  const auto two = sweep_ok(dir, kGrid, {"--out", "two", "--jobs", "2", "--set", "train.threads=1"});
  ASSERT_FALSE(one.empty());
  ASSERT_FALSE(two.empty());
  EXPECT_EQ(results_without_timings(one), results_without_timings(two));
}

TEST(CliSweep, ResumeRunsOnlyTheTrialsThatDidNotEnd) {
  testing::TempDir dir;
  const auto sweep = sweep_ok(dir, kGrid);
  ASSERT_FALSE(sweep.empty());
  const std::vector<std::string> before = results_without_timings(sweep);
  // As if killed during the last two trials: their journal lines are gone, one folder is half written.
  auto journal = read_lines(sweep / "journal.jsonl");
  ASSERT_EQ(journal.size(), 8u);
  const std::string last = journal.back();
  journal.resize(6);
  std::string kept;
  for (const std::string& line : journal) kept += line + "\n";
  std::ofstream(sweep / "journal.jsonl") << kept;
  const std::string unfinished = last.substr(10, last.find('"', 10) - 10);  // {"trial":"<name>"
  std::filesystem::remove(sweep / "trials" / unfinished / "summary.json");
  std::filesystem::remove(sweep / "results.csv");

  const testing::CommandResult resumed = run_nnlab(dir, {"sweep", "--resume", sweep.string()});
  ASSERT_EQ(resumed.status, 0) << resumed.out << resumed.err;
  std::size_t started = 0;
  for (std::size_t at = resumed.out.find("sweep: started"); at != std::string::npos;
       at = resumed.out.find("sweep: started", at + 1)) {
    ++started;
  }
  EXPECT_EQ(started, 2u) << resumed.out;
  EXPECT_NE(resumed.out.find("sweep: started " + unfinished), std::string::npos) << resumed.out;
  EXPECT_EQ(read_lines(sweep / "journal.jsonl").size(), 8u);
  EXPECT_EQ(results_without_timings(sweep), before);  // the same seeds give the same numbers
}

TEST(CliSweep, ADivergingTrialIsReportedAndTheOthersFinish) {
  testing::TempDir dir;
  const auto sweep = sweep_ok(dir, R"(name = "wild"
[data]
dataset = "function"
samples = 64
[model]
hidden = [8]
[optim]
name = "sgd"
[train]
epochs = 3
batch_size = 8
tensorboard = false
[sweep]
grid = { "optim.lr" = [0.01, 1e6] }
rank_by = "val/loss"
)");
  ASSERT_FALSE(sweep.empty());
  const auto csv = read_lines(sweep / "results.csv");
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_TRUE(csv[1].starts_with("1,lr=0.01,0.01,1,1,0,0,")) << csv[1];
  EXPECT_TRUE(csv[2].starts_with("2,lr=1000000.0,1000000.0,1,0,1,0,")) << csv[2];
  const std::string journal = read_text(sweep / "journal.jsonl");
  EXPECT_NE(journal.find("\"status\":\"diverged\",\"reason\":\"loss became"), std::string::npos) << journal;
}

TEST(CliSweep, DryRunListsTheTrialsAndRunsNothing) {
  testing::TempDir dir;
  const testing::CommandResult result = run_nnlab(dir, {"sweep", write_text(dir, "s.toml", kGrid), "--dry-run"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("8 trials:\n   1  lr=0.02,hidden=[8],seed=0\n"), std::string::npos) << result.out;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "sweeps"));
}

TEST(CliSweep, BadSweepKeysAreConfigErrorsBeforeAnythingRuns) {
  testing::TempDir dir;
  std::string config = kGrid;
  config.replace(config.find("\"optim.lr\""), 10, "\"optim.lrr\"");
  const testing::CommandResult unknown = run_nnlab(dir, {"sweep", write_text(dir, "s.toml", config)});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("s.toml:15: [sweep] grid: 'optim.lrr' is not a config key"), std::string::npos)
      << unknown.err;
  const testing::CommandResult empty =
      run_nnlab(dir, {"sweep", write_text(dir, "e.toml", "[sweep]\ngrid = { \"optim.lr\" = [] }\n")});
  EXPECT_EQ(empty.status, 2);
  EXPECT_NE(empty.err.find("expected at least one value, got an empty list"), std::string::npos) << empty.err;
  const testing::CommandResult bad_value =
      run_nnlab(dir, {"sweep", write_text(dir, "v.toml", "[sweep]\ngrid = { \"optim.lr\" = [0.1, -1] }\n")});
  EXPECT_EQ(bad_value.status, 2);
  EXPECT_NE(bad_value.err.find("[sweep] trial 'lr=-1,seed=0'"), std::string::npos) << bad_value.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "sweeps"));  // nothing ran, no folder
}

TEST(CliSweep, CtrlCStopsStartingTrialsAndResumeFinishesThem) {
  testing::TempDir dir;
  write_text(dir, "slow.toml", R"(name = "slow"
[data]
dataset = "fashion-mnist"
validation = 500
limit = 3000
[model]
type = "logistic"
[train]
epochs = 2
tensorboard = false
[sweep]
seeds = 6
)");
  // SIGINT to the sweep alone after a moment, as a terminal's Ctrl-C would send it (the running
  // trial does not get it here, so it ends normally and counts).
  const std::string command = "cd '" + dir.path().string() + "' && { '" + std::string(NNLAB_BINARY) +
                              "' sweep slow.toml --jobs 1 > out.txt 2> err.txt & pid=$!; sleep 1.5; "
                              "kill -INT $pid; wait $pid; echo $? > status.txt; }";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(read_text(dir.path() / "status.txt"), "130\n") << read_text(dir.path() / "err.txt");
  const std::string err = read_text(dir.path() / "err.txt");
  EXPECT_NE(err.find("sweep interrupted; run the remaining trials with: nnlab sweep --resume"), std::string::npos)
      << err;
  const testing::CommandResult out{.status = 130, .out = read_text(dir.path() / "out.txt"), .err = err};
  const auto sweep = sweep_folder_of(dir, out);
  ASSERT_FALSE(sweep.empty()) << out.out;
  const std::size_t ended = read_lines(sweep / "journal.jsonl").size();
  EXPECT_LT(ended, 6u);  // stopped before the end

  const testing::CommandResult resumed = run_nnlab(dir, {"sweep", "--resume", sweep.string()});
  ASSERT_EQ(resumed.status, 0) << resumed.out << resumed.err;
  EXPECT_EQ(read_lines(sweep / "journal.jsonl").size(), 6u);
  EXPECT_NE(read_text(sweep / "results.csv").find(",6,6,0,0,0,"), std::string::npos) << read_text(sweep / "results.csv");
}

constexpr const char* kPrune = R"(name = "prune"
[data]
dataset = "map"
samples = 240
classes = 4
validation = 0.25
[model]
hidden = [16]
[optim]
name = "adam"
[train]
epochs = 3
batch_size = 40
tensorboard = false
[sweep]
grid = { "optim.lr" = [0.05, 1e-7] }
[sweep.prune]
rungs = [1]
reduction_factor = 2
)";

// The values of `tag` in a run folder's metrics.csv (tag,step,epoch,value), in order.
std::vector<std::string> metric_values(const std::filesystem::path& run, const std::string& tag) {
  std::vector<std::string> values;
  for (const std::string& line : read_lines(run / "metrics.csv")) {
    if (line.starts_with(tag + ",")) values.push_back(line.substr(line.rfind(',') + 1));
  }
  return values;
}

TEST(CliSweep, PruneStopsATrialThatIsClearlyWorseAtTheFirstRung) {
  testing::TempDir dir;
  const auto sweep = sweep_ok(dir, kPrune);
  ASSERT_FALSE(sweep.empty());
  // lr 0.05 comes first: alone at the rung it goes on, paused and resumed, to epoch 3. lr 1e-7
  // learns nothing; against it at the rung, outside the best half, it stops after epoch 1.
  const auto good = sweep / "trials" / "lr=0.05,seed=0";
  const auto bad = sweep / "trials" / "lr=1e-07,seed=0";
  EXPECT_EQ(metric_values(good, "val/accuracy").size(), 3u);
  EXPECT_EQ(metric_values(bad, "val/accuracy").size(), 1u);
  const std::vector<std::string> journal = read_lines(sweep / "journal.jsonl");
  ASSERT_EQ(journal.size(), 4u) << read_text(sweep / "journal.jsonl");
  EXPECT_NE(journal[0].find(R"({"trial":"lr=0.05,seed=0","rung":1,"value":)"), std::string::npos);
  EXPECT_NE(journal[0].find(R"("decision":"continue"})"), std::string::npos);
  EXPECT_NE(journal[2].find(R"({"trial":"lr=1e-07,seed=0","rung":1,"value":)"), std::string::npos);
  EXPECT_NE(journal[2].find(R"("decision":"prune"})"), std::string::npos);
  EXPECT_NE(journal[3].find(R"("status":"pruned","reason":"pruned at epoch 1: val/accuracy)"), std::string::npos);
  EXPECT_NE(journal[3].find(R"("epoch":1})"), std::string::npos);
  const std::string csv = read_text(sweep / "results.csv");
  EXPECT_NE(csv.find("1,lr=0.05,0.05,1,1,0,0,0,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("2,lr=1e-07,1e-07,1,0,0,0,1,"), std::string::npos) << csv;

  // Paused at the rung and resumed, the surviving trial is the run it would have been unpruned.
  std::string unpruned = kPrune;
  unpruned.erase(unpruned.find("[sweep.prune]"));
  const auto plain = sweep_ok(dir, unpruned, {"--out", "plain"});
  ASSERT_FALSE(plain.empty());
  for (const char* tag : {"train/loss", "val/loss", "val/accuracy"}) {
    EXPECT_EQ(metric_values(good, tag), metric_values(plain / "trials" / "lr=0.05,seed=0", tag)) << tag;
  }
}

TEST(CliSweep, BadPruneSettingsAreConfigErrors) {
  testing::TempDir dir;
  std::string late = kPrune;
  late.replace(late.find("rungs = [1]"), 11, "rungs = [1, 3]");
  const testing::CommandResult at_end = run_nnlab(dir, {"sweep", write_text(dir, "late.toml", late)});
  EXPECT_EQ(at_end.status, 2);
  EXPECT_NE(at_end.err.find("[sweep.prune] rungs: the last rung, epoch 3, must come before the last epoch (3)"),
            std::string::npos)
      << at_end.err;
  std::string unordered = kPrune;
  unordered.replace(unordered.find("rungs = [1]"), 11, "rungs = [2, 1]");
  const testing::CommandResult order = run_nnlab(dir, {"sweep", write_text(dir, "order.toml", unordered)});
  EXPECT_EQ(order.status, 2);
  EXPECT_NE(order.err.find("order.toml:18: [sweep.prune] rungs: expected increasing epochs >= 1"), std::string::npos)
      << order.err;
  std::string typo = kPrune;
  typo.replace(typo.find("reduction_factor"), 16, "reduction");
  const testing::CommandResult unknown = run_nnlab(dir, {"sweep", write_text(dir, "typo.toml", typo)});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("unknown key 'reduction' in [sweep.prune] (known: rungs, reduction_factor)"),
            std::string::npos)
      << unknown.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "sweeps"));
}

// `mpirun -np 2 nnlab sweep`: rank 0 leads and runs trials, rank 1 runs the ones it is handed.
// Open MPI refuses root without --allow-run-as-root; the single-copy mechanism is off because
// containers often forbid the cross-process memory access it needs (messages here are tiny).
// Under LeakSanitizer this one test does not check leaks (the ranks and, inheriting it, their
// trials): Open MPI keeps what MPI_Init allocates to the end, in components it has unloaded by
// then, which no suppression can name. Every other sweep test checks the same trial code.
TEST(CliSweep, TwoMpiRanksGiveTheSameTableAsOneProcess) {
  testing::TempDir dir;
  const auto single = sweep_ok(dir, kGrid, {"--out", "single"});
  ASSERT_FALSE(single.empty());
  const std::string command = "cd '" + dir.path().string() +
                              "' && OMPI_MCA_btl_vader_single_copy_mechanism=none timeout 300 mpirun " +
                              (::geteuid() == 0 ? "--allow-run-as-root " : "") +
                              "--oversubscribe -np 2 -x LSAN_OPTIONS=detect_leaks=0 '" + std::string(NNLAB_BINARY) +
                              "' sweep sweep.toml --out mpi > out.txt 2> err.txt";
  ASSERT_EQ(std::system(command.c_str()), 0) << read_text(dir.path() / "out.txt") << read_text(dir.path() / "err.txt");
  const testing::CommandResult out{.status = 0, .out = read_text(dir.path() / "out.txt"), .err = {}};
  const auto sweep = sweep_folder_of(dir, out);
  ASSERT_FALSE(sweep.empty()) << out.out;
  EXPECT_EQ(sweep.parent_path().filename(), "mpi");
  EXPECT_EQ(results_without_timings(sweep), results_without_timings(single));
  EXPECT_EQ(read_lines(sweep / "journal.jsonl").size(), 8u);  // one journal, written by rank 0
  EXPECT_NE(out.out.find("sweep: rank 1: started "), std::string::npos) << out.out;  // both ranks ran trials
  EXPECT_NE(out.out.find("sweep: rank 0: started "), std::string::npos) << out.out;
  EXPECT_EQ(out.out.find("sweep folder: "), out.out.rfind("sweep folder: ")) << out.out;  // rank 0 alone reports
}

// E8: a sweep that fits a 1-D function draws every configuration's fit over the target.
TEST(CliSweep, ASweepFittingAFunctionDrawsTheFitsOverTheTarget) {
  testing::TempDir dir;
  const auto sweep = sweep_ok(dir, R"(name = "fits"
[data]
dataset = "function"
function = "sinc"
samples = 100
validation = 0.2
[optim]
name = "adam"
[train]
epochs = 3
batch_size = 20
tensorboard = false
[sweep]
variants = [{ name = "wide", "model.hidden" = [32], "optim.lr" = 0.01 },
            { name = "deep", "model.hidden" = [8, 8, 8], "optim.weight_decay" = 0.001 }]
rank_by = "val/loss"
)");
  ASSERT_FALSE(sweep.empty());
  // The second setting is each variant's own key (lr, weight decay): no chart against either.
  EXPECT_FALSE(std::filesystem::exists(sweep / "plots" / "val_loss_vs_optim_lr.png"));
  const std::string svg = read_text(sweep / "plots" / "fitted_functions.svg");
  for (const char* name : {"target", "wide", "deep", "The fitted functions over the target"}) {
    EXPECT_NE(svg.find(name), std::string::npos) << name;
  }
  EXPECT_TRUE(std::filesystem::is_regular_file(sweep / "plots" / "fitted_functions.png"));
}

TEST(CliSweep, AClassificationSweepDrawsNoFittedFunctions) {
  testing::TempDir dir;
  const auto sweep = sweep_ok(dir, kPrune);
  ASSERT_FALSE(sweep.empty());
  EXPECT_FALSE(std::filesystem::exists(sweep / "plots" / "fitted_functions.png"));
}

}  // namespace
}  // namespace nnlab
