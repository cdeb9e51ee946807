// A run folder survives what happens to real runs: a writer killed at every file operation of
// a checkpoint, Ctrl-C and SIGTERM, a second process on the same folder, a run that diverges
// before its first checkpoint. `nnlab resume` then reproduces the uninterrupted run byte for
// byte (timings aside) or refuses with a message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/nnlab_runner.h"
#include "nnlab/io/config.h"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_nnlab;
using testing::write_text;

constexpr const char* kTiny = R"(name = "tiny"
[data]
dataset = "map"
samples = 120
classes = 3
[model]
hidden = [4]
[optim]
name = "adam"
lr = 0.01
[train]
epochs = 2
batch_size = 32
)";

// The files a finished run's checkpoint and logs consist of, which must match byte for byte.
void expect_same_run(const fs::path& run, const fs::path& reference, const std::string& context) {
  EXPECT_EQ(testing::metrics_without_timings(run), testing::metrics_without_timings(reference)) << context;
  for (const char* file : {"model.safetensors", "optimizer.safetensors", "state.json"}) {
    EXPECT_EQ(read_text(run / file), read_text(reference / file)) << context << ": " << file;
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(run)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name.find(".tmp-") == std::string::npos && !name.ends_with(".next")) << context << ": left " << name;
  }
}

// Waits (up to a minute) for `path` to appear.
bool wait_for(const fs::path& path) {
  for (int i = 0; i < 600 && !fs::exists(path); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return fs::exists(path);
}

// `nnlab train` of kTiny for a practically endless number of epochs, in dir/<run>, started in
// the background; returns once its first checkpoint is written.
int start_endless_run(const testing::TempDir& dir, const std::string& run) {
  const std::string config = write_text(dir, "config.toml", kTiny);
  const int pid = testing::start_nnlab(dir, {"train", config, "--run-dir", run, "--set", "train.epochs=1000000"});
  EXPECT_TRUE(wait_for(dir.path() / run / "state.json"));
  return pid;
}

std::int64_t checkpoint_epoch(const fs::path& run) {
  return nlohmann::json::parse(read_text(run / "state.json"))["epoch"].get<std::int64_t>();
}

}  // namespace

TEST(CliCheckpointFaults, KilledAtEveryFileOperationResumesToTheSameRun) {
  testing::TempDir dir;
  const std::string config = write_text(dir, "config.toml", kTiny);
  ASSERT_EQ(run_nnlab(dir, {"train", config, "--run-dir", "straight"}).status, 0);
  int kills = 0;
  for (int op = 1; op < 200; ++op) {
    const std::string run = "killed-" + std::to_string(op);
    ::setenv("NNLAB_KILL_AT_CHECKPOINT_OP", std::to_string(op).c_str(), 1);
    const testing::CommandResult killed = run_nnlab(dir, {"train", config, "--run-dir", run});
    ::unsetenv("NNLAB_KILL_AT_CHECKPOINT_OP");
    if (killed.status == 0) break;  // past the last file operation of the last checkpoint
    ++kills;
    ASSERT_EQ(killed.status, 128 + SIGKILL) << "operation " << op << ": " << killed.err;  // as the shell reports it
    const testing::CommandResult resumed = run_nnlab(dir, {"resume", run});
    if (resumed.err.find("already trained for all 2 epochs") != std::string::npos) {
      // Killed after committing the last checkpoint: nothing is left to train, and resume
      // says so (after putting the committed files in place).
      EXPECT_EQ(resumed.status, 2);
    } else {
      ASSERT_EQ(resumed.status, 0) << "operation " << op << ": " << resumed.out << resumed.err;
    }
    expect_same_run(dir.path() / run, dir.path() / "straight", "killed at operation " + std::to_string(op));
  }
  EXPECT_GE(kills, 30);  // two checkpoints of three files each: create, write, sync, close, rename, ...
}

TEST(CliInterrupt, CtrlCEndsTheRunWithASummaryAndResumeGoesOnAsIfUninterrupted) {
  testing::TempDir dir;
  const int pid = start_endless_run(dir, "run");
  ::kill(pid, SIGINT);
  const testing::CommandResult stopped = testing::wait_nnlab(dir, pid);
  EXPECT_EQ(stopped.status, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("interrupted by SIGINT (Ctrl-C) in epoch"), std::string::npos) << stopped.err;
  EXPECT_NE(stopped.err.find("`nnlab resume run` continues after epoch"), std::string::npos) << stopped.err;
  const fs::path run = dir.path() / "run";
  EXPECT_EQ(nlohmann::json::parse(read_text(run / "summary.json"))["stop_reason"], "interrupted");
  // As if the run had been asked for one epoch more than it finished: resuming it must give
  // what a run of that many epochs gives straight through.
  const std::string epochs = "train.epochs=" + std::to_string(checkpoint_epoch(run) + 1);
  std::ofstream(run / "config.toml") << io::to_toml(io::parse_config(kTiny, "tiny", {epochs}));
  const testing::CommandResult resumed = run_nnlab(dir, {"resume", "run"});
  ASSERT_EQ(resumed.status, 0) << resumed.out << resumed.err;
  ASSERT_EQ(run_nnlab(dir, {"train", "config.toml", "--run-dir", "straight", "--set", epochs}).status, 0);
  expect_same_run(run, dir.path() / "straight", "resumed after Ctrl-C");
}

TEST(CliRunFolderLock, SecondWriterIsRefusedNamingTheProcessUntilTheFirstEnds) {
  testing::TempDir dir;
  const int pid = start_endless_run(dir, "run");
  const testing::CommandResult second = run_nnlab(dir, {"resume", "run"});
  EXPECT_EQ(second.status, 1);
  EXPECT_NE(second.err.find("is being written by process " + std::to_string(pid)), std::string::npos) << second.err;
  ::kill(pid, SIGTERM);
  const testing::CommandResult stopped = testing::wait_nnlab(dir, pid);
  EXPECT_EQ(stopped.status, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("interrupted by SIGTERM"), std::string::npos) << stopped.err;
  // The lock went with the process.
  const std::string until = std::to_string(checkpoint_epoch(dir.path() / "run") + 1);
  const testing::CommandResult resumed = run_nnlab(dir, {"resume", "run", "--until-epoch", until});
  EXPECT_EQ(resumed.status, 0) << resumed.err;
}

TEST(CliRunSafety, RunDivergingBeforeItsFirstCheckpointSaysItHasNone) {
  testing::TempDir dir;
  const std::string config = write_text(dir, "config.toml",
                                        "[data]\ndataset = \"function\"\nsamples = 100\n[optim]\nlr = 1e9\n"
                                        "[train]\nepochs = 3\nbatch_size = 10\n");
  const testing::CommandResult result = run_nnlab(dir, {"train", config, "--run-dir", "run"});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("the logs are in run (no checkpoint: it diverged before the first)"), std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir.path() / "run" / "state.json"));
}

}  // namespace nnlab
