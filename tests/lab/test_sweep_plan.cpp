// The [sweep] table and the trials it expands into.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <fmt/format.h>

#include "nnlab/core/error.h"
#include "nnlab/io/sweep_config.h"
#include "nnlab/lab/sweep_plan.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::lab {
namespace {

constexpr const char* kBase = R"(name = "tiny"
seed = 5
[data]
dataset = "map"
samples = 200
[model]
hidden = [8]
[train]
epochs = 1
)";

io::SweepFile load(const testing::TempDir& dir, const std::string& sweep,
                   const std::vector<std::string>& overrides = {}) {
  const std::string path = dir.file("sweep.toml");
  std::ofstream(path) << kBase << sweep;
  return io::load_sweep_file(path, overrides);
}

std::vector<std::string> names(const std::vector<Trial>& trials) {
  std::vector<std::string> out;
  for (const Trial& trial : trials) out.push_back(trial.name);
  return out;
}

TEST(SweepPlan, GridTimesSeedsInAFixedOrder) {
  testing::TempDir dir;
  const io::SweepFile file = load(dir, R"([sweep]
grid = { "optim.lr" = [0.1, 0.01], "train.batch_size" = [16, 128] }
seeds = 2
rank_by = "val/loss"
)");
  EXPECT_EQ(file.sweep.rank_by, "val/loss");
  EXPECT_EQ(file.base.data.samples, 200);
  const std::vector<Trial> trials = plan_sweep(file);
  EXPECT_EQ(names(trials),
            (std::vector<std::string>{"lr=0.1,batch_size=16,seed=0", "lr=0.1,batch_size=16,seed=1",
                                      "lr=0.1,batch_size=128,seed=0", "lr=0.1,batch_size=128,seed=1",
                                      "lr=0.01,batch_size=16,seed=0", "lr=0.01,batch_size=16,seed=1",
                                      "lr=0.01,batch_size=128,seed=0", "lr=0.01,batch_size=128,seed=1"}));
  EXPECT_EQ(trials[2].configuration, "lr=0.1,batch_size=128");
  EXPECT_EQ(trials[2].overrides, (std::vector<std::string>{"optim.lr=0.1", "train.batch_size=128", "seed=0"}));
  // Each trial's overrides give the config it names.
  const io::ExperimentConfig config = io::parse_config(file.base_text, file.source, trials[7].overrides);
  EXPECT_EQ(config.optim.lr, 0.01);
  EXPECT_EQ(config.train.batch_size, 128);
  EXPECT_EQ(config.seed, 1u);
}

TEST(SweepPlan, VariantsCombineWithTheGridAndStringsAndListsPassThrough) {
  testing::TempDir dir;
  const io::SweepFile file = load(dir, R"([sweep]
variants = [{ name = "wide", "model.hidden" = [64, 32] }, { name = "base" }]
grid = { "model.activation" = ["relu", "tanh"] }
)");
  const std::vector<Trial> trials = plan_sweep(file);
  EXPECT_EQ(names(trials), (std::vector<std::string>{"wide,activation=relu,seed=5", "wide,activation=tanh,seed=5",
                                                     "base,activation=relu,seed=5", "base,activation=tanh,seed=5"}));
  const io::ExperimentConfig wide_tanh = io::parse_config(file.base_text, file.source, trials[1].overrides);
  EXPECT_EQ(wide_tanh.model.hidden, (std::vector<std::int64_t>{64, 32}));
  EXPECT_EQ(wide_tanh.model.activation, "tanh");
  EXPECT_EQ(io::parse_config(file.base_text, file.source, trials[2].overrides).model.hidden,
            (std::vector<std::int64_t>{8}));
}

TEST(SweepPlan, RandomDrawsAreReproducibleAndStayInTheirRanges) {
  testing::TempDir dir;
  const std::string sweep = R"([sweep]
[sweep.random]
trials = 20
seed = 3
"optim.lr" = { log_uniform = [1e-4, 1e-1] }
"train.batch_size" = { uniform = [8, 64] }
"model.activation" = { choice = ["relu", "tanh"] }
)";
  const std::vector<Trial> first = plan_sweep(load(dir, sweep));
  EXPECT_EQ(names(first), names(plan_sweep(load(dir, sweep))));
  ASSERT_EQ(first.size(), 20u);
  std::set<std::string> activations;
  for (const Trial& trial : first) {
    const io::ExperimentConfig c = io::parse_config(load(dir, sweep).base_text, "x", trial.overrides);
    EXPECT_GE(c.optim.lr, 1e-4);
    EXPECT_LT(c.optim.lr, 1e-1);
    EXPECT_GE(c.train.batch_size, 8);  // an integer key: the draw is rounded
    EXPECT_LE(c.train.batch_size, 64);
    activations.insert(c.model.activation);
  }
  EXPECT_EQ(activations.size(), 2u);
}

TEST(SweepPlan, BadSweepsAreConfigErrorsNamingTheKey) {
  testing::TempDir dir;
  expect_throw_with<ConfigError>([&] { load(dir, "[sweep]\ngrid = { \"optim.lrr\" = [0.1] }\n"); },
                                 "sweep.toml:11: [sweep] grid: 'optim.lrr' is not a config key");
  expect_throw_with<ConfigError>([&] { load(dir, "[sweep]\ngrid = { \"optim.lrr\" = [0.1] }\n"); },
                                 "did you mean 'optim.lr'?");
  expect_throw_with<ConfigError>([&] { load(dir, "[sweep]\ngrid = { \"optim.lr\" = [] }\n"); },
                                 "[sweep] grid \"optim.lr\": expected at least one value, got an empty list");
  expect_throw_with<ConfigError>([&] { load(dir, "[sweep]\ngird = {}\n"); },
                                 "unknown key 'gird' in [sweep] (known: grid, variants, random, prune, seeds, rank_by, top, compare)");
  expect_throw_with<ConfigError>([&] { load(dir, "[sweep]\nseeds = 1\n"); }, "[sweep] varies nothing");
  expect_throw_with<ConfigError>(
      [&] { load(dir, "[sweep.random]\ntrials = 2\n\"optim.lr\" = { log_uniform = [0, 1] }\n"); },
      "log_uniform needs low > 0, got 0");
  expect_throw_with<ConfigError>([&] { load(dir, "[sweep]\nvariants = [{ \"optim.lr\" = 0.1 }]\n"); },
                                 "[sweep] variants #1: missing key 'name'");
  // A value the key does not allow is found before anything runs, naming the trial.
  expect_throw_with<ConfigError>([&] { plan_sweep(load(dir, "[sweep]\ngrid = { \"optim.lr\" = [0.1, -1] }\n")); },
                                 "[sweep] trial 'lr=-1,seed=5': --set optim.lr=-1: [optim] lr: expected a number > 0");
  std::ofstream(dir.file("plain.toml")) << kBase;
  expect_throw_with<ConfigError>([&] { io::load_sweep_file(dir.file("plain.toml")); }, "no [sweep] table");
}

TEST(SweepPlan, TooManyTrialsAreRefusedBeforeAnyIsPlanned) {
  testing::TempDir dir;  // 2^63 - 1 random trials ran out of memory while planning
  expect_throw_with<ConfigError>(
      [&] { load(dir, "[sweep.random]\ntrials = 9223372036854775807\n\"optim.lr\" = { log_uniform = [0.01, 1] }\n"); },
      "[sweep.random] trials: expected an integer from 1 to 100000, got 9223372036854775807");
  std::string values = "[0.01";
  for (int v = 2; v <= 20; ++v) values += fmt::format(", {}", v / 100.0);
  values += "]";
  const std::string grid = fmt::format(
      "[sweep]\nseeds = 5\ngrid = {{ \"optim.lr\" = {0}, \"optim.momentum\" = {0}, \"optim.weight_decay\" = {0}, "
      "\"train.label_smoothing\" = {0} }}\n",
      values);
  expect_throw_with<ConfigError>([&] { load(dir, grid); },
                                 "[sweep] plans 20 optim.lr x 20 optim.momentum x 20 optim.weight_decay x 20 "
                                 "train.label_smoothing x 5 seeds = more than 100000 trials, expected at most 100000");
}

TEST(SweepPlan, ErrorsInTheRestOfTheFileKeepTheirLineNumbers) {
  testing::TempDir dir;
  const std::string path = dir.file("sweep.toml");
  std::ofstream(path) << "[sweep]\ngrid = { \"optim.lr\" = [0.1] }\n\n[optim]\nlr = -2\n";
  expect_throw_with<ConfigError>([&] { io::load_sweep_file(path); }, "sweep.toml:5: [optim] lr");
}

TEST(SweepPlan, DryRunListsEveryTrial) {
  testing::TempDir dir;
  const std::string plan = describe_plan(plan_sweep(load(dir, "[sweep]\nseeds = [1, 7]\n")));
  EXPECT_EQ(plan, "2 trials:\n   1  base,seed=1\n   2  base,seed=7\n");
}

}  // namespace
}  // namespace nnlab::lab
