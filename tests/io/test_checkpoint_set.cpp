// The checkpoint set (model, optimiser, state.json) stays one consistent set whatever point a
// writer is stopped at: each state a killed writer can leave is built here by hand, and
// open_checkpoint must roll it forward, roll it back or refuse it by name. (tests/cli's
// CliCheckpointFaults kills a real writer at every file operation.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "nnlab/core/check.h"
#include "nnlab/io/checkpoint_set.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/io/run_folder_lock.h"
#include "nnlab/nn/linear.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/optim/sgd.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A model and an SGD-with-momentum optimiser whose state changes with every step.
struct Training {
  Rng rng{7};
  nn::Linear model{{.in_features = 3, .out_features = 2, .bias = true, .dtype = DType::f32, .rng = &rng}};
  optim::SGD optimizer{model.parameters(), {.lr = 0.1, .momentum = 0.9}};

  void step() {
    optimizer.zero_grad();
    ops::sum(model.forward(Tensor::ones({4, 3}))).backward();
    optimizer.step();
  }
};

struct Folder {
  testing::TempDir dir;
  io::RunFolder folder = make();

  io::RunFolder make() {
    write_file(dir.path() / "config.toml", "");
    return io::RunFolder::open(dir.path());
  }
  fs::path next(const fs::path& path) const { return path.string() + ".next"; }
};

}  // namespace

TEST(CheckpointSet, NoCheckpointYetIsNotAnError) {
  Folder f;
  EXPECT_FALSE(io::open_checkpoint(f.folder).has_value());
}

TEST(CheckpointSet, WrittenSetOpensAsItWasWritten) {
  Folder f;
  Training t;
  t.step();
  io::write_checkpoint(f.folder, t.model, t.optimizer, {.epoch = 3, .steps = 21});
  const auto state = io::open_checkpoint(f.folder);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->epoch, 3);
  EXPECT_EQ(state->steps, 21);
  EXPECT_FALSE(fs::exists(f.next(f.folder.model())));
  EXPECT_FALSE(fs::exists(f.next(f.folder.optimizer())));
}

// Killed after the new files were written but before state.json committed them: the previous
// set stands and the uncommitted files go.
TEST(CheckpointSet, UncommittedFilesAreRolledBack) {
  Folder f;
  Training t;
  io::write_checkpoint(f.folder, t.model, t.optimizer, {.epoch = 1, .steps = 5});
  const std::string model = read_file(f.folder.model()), optimizer = read_file(f.folder.optimizer());
  const std::string state = read_file(f.folder.state());
  t.step();
  io::write_checkpoint(f.folder, t.model, t.optimizer, {.epoch = 2, .steps = 10});
  // Back to the moment before the commit: the new bytes only under *.next, the old set in place.
  fs::rename(f.folder.model(), f.next(f.folder.model()));
  fs::rename(f.folder.optimizer(), f.next(f.folder.optimizer()));
  write_file(f.folder.model(), model);
  write_file(f.folder.optimizer(), optimizer);
  write_file(f.folder.state(), state);
  write_file(f.folder.dir() / "model.safetensors.next.tmp-99", "half");
  const auto opened = io::open_checkpoint(f.folder);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->epoch, 1);
  EXPECT_EQ(read_file(f.folder.model()), model);
  EXPECT_EQ(read_file(f.folder.optimizer()), optimizer);
  EXPECT_FALSE(fs::exists(f.next(f.folder.model())));
  EXPECT_FALSE(fs::exists(f.next(f.folder.optimizer())));
  EXPECT_FALSE(fs::exists(f.folder.dir() / "model.safetensors.next.tmp-99"));
}

// Killed after the commit, before (or between) the renames: the committed bytes are taken from
// *.next — the mix of a new model with an old optimiser never reaches the trainer.
TEST(CheckpointSet, CommittedFilesAreRolledForward) {
  Folder f;
  Training t;
  io::write_checkpoint(f.folder, t.model, t.optimizer, {.epoch = 1, .steps = 5});
  const std::string old_optimizer = read_file(f.folder.optimizer());
  t.step();
  io::write_checkpoint(f.folder, t.model, t.optimizer, {.epoch = 2, .steps = 10});
  const std::string new_optimizer = read_file(f.folder.optimizer());
  ASSERT_NE(old_optimizer, new_optimizer);
  fs::rename(f.folder.optimizer(), f.next(f.folder.optimizer()));
  write_file(f.folder.optimizer(), old_optimizer);
  const auto opened = io::open_checkpoint(f.folder);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->epoch, 2);
  EXPECT_EQ(read_file(f.folder.optimizer()), new_optimizer);
  EXPECT_FALSE(fs::exists(f.next(f.folder.optimizer())));
}

TEST(CheckpointSet, FileMatchingNeitherIsRefusedByName) {
  Folder f;
  Training t;
  io::write_checkpoint(f.folder, t.model, t.optimizer, {.epoch = 1, .steps = 5});
  std::string model = read_file(f.folder.model());
  model.back() ^= 1;
  write_file(f.folder.model(), model);
  expect_throw_with<DataError>([&] { io::open_checkpoint(f.folder); },
                               "model.safetensors does not match the checkpoint of epoch 1");
}

TEST(CheckpointSet, DamagedStateFileIsNamed) {
  Folder f;
  Training t;
  io::write_checkpoint(f.folder, t.model, t.optimizer, {.epoch = 1, .steps = 5});
  for (const char* text : {"{\"epoch\": -1, \"steps\": 0, \"files\": {}}", "{\"epoch\": 1}", "not json", ""}) {
    write_file(f.folder.state(), text);
    expect_throw_with<DataError>([&] { io::open_checkpoint(f.folder); }, f.folder.state().string() + "' is damaged");
  }
  write_file(f.folder.state(), "{\"epoch\": 1, \"steps\": 5, \"files\": {\"model.safetensors\": {}}}");
  expect_throw_with<DataError>([&] { io::open_checkpoint(f.folder); },
                               "does not list the model and the optimiser files");
}

TEST(RunFolderLock, SecondWriterIsToldWhoHoldsTheFolder) {
  Folder f;
  {
    const io::RunFolderLock first(f.folder);
    expect_throw_with<IoError>([&] { io::RunFolderLock second(f.folder); },
                               "is being written by process " + std::to_string(::getpid()));
  }
  const io::RunFolderLock again(f.folder);  // released with the first
}

}  // namespace nnlab
