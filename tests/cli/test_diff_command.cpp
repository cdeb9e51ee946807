// `nnlab diff RUN_A RUN_B` on runs trained by the built binary: the differing key, the first
// step at which the losses part, the overlay chart, "no difference", and a folder that is no run.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/nnlab_runner.h"

namespace nnlab {
namespace {

using testing::run_nnlab;
using testing::train_ok;

constexpr const char* kTinySteps = R"(name = "tiny"
seed = 3
[data]
dataset = "map"
samples = 300
classes = 4
[model]
hidden = [16]
[optim]
lr = 0.01
[train]
epochs = 2
batch_size = 32
log_steps = true
tensorboard = false
)";

// The text after `label` up to the end of its line in `out`.
std::string line_after(const std::string& out, const std::string& label) {
  const std::size_t at = out.find(label);
  if (at == std::string::npos) return {};
  const std::size_t start = at + label.size();
  return out.substr(start, out.find('\n', start) - start);
}

TEST(CliDiff, TwoLearningRatesDifferInOneKeyAndPartAtStepTwo) {
  testing::TempDir dir;
  const auto a = train_ok(dir, kTinySteps, {"--out", "a", "--set", "optim.lr=0.01"});
  const auto b = train_ok(dir, kTinySteps, {"--out", "b", "--set", "optim.lr=0.02"});
  const testing::CommandResult result = run_nnlab(dir, {"diff", a.string(), b.string()});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("config: 1 key(s) differ"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("optim.lr  0.01  0.02"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("train/loss"), std::string::npos) << result.out;
  // Step 1's loss is computed before the first update, from the same seeded weights and the same
  // first batch, so it is bitwise the same in both runs; the learning rate first acts on step 2.
  EXPECT_NE(result.out.find("losses part at step 2\n"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("no difference"), std::string::npos) << result.out;
  // The chart goes to a new runs/diff-<timestamp> by default.
  const std::filesystem::path png =
      line_after(result.out, "chart: ").substr(0, line_after(result.out, "chart: ").find(','));
  EXPECT_TRUE(png.string().starts_with("runs/diff-")) << result.out;
  EXPECT_EQ(png.filename(), "diff.png") << result.out;
  EXPECT_GT(std::filesystem::file_size(dir.path() / png), 1000u) << png;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir.path() / png.parent_path() / "diff.svg"));
}

TEST(CliDiff, TheSameConfigTwiceMakesNoDifference) {
  testing::TempDir dir;
  const auto a = train_ok(dir, kTinySteps, {"--out", "a"});
  const auto b = train_ok(dir, kTinySteps, {"--out", "b"});
  const testing::CommandResult result = run_nnlab(dir, {"diff", a.string(), b.string(), "--out", "chart"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("no difference"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("losses part"), std::string::npos) << result.out;
}

TEST(CliDiff, AnotherSeedPartsAtStepOneAndTheChartGoesToOut) {
  testing::TempDir dir;
  const auto a = train_ok(dir, kTinySteps, {"--out", "a"});
  const auto b = train_ok(dir, kTinySteps, {"--out", "b", "--seed", "4"});
  const testing::CommandResult result = run_nnlab(dir, {"diff", a.string(), b.string(), "--out", "chart"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("seed  3  4"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("losses part at step 1\n"), std::string::npos) << result.out;
  EXPECT_GT(std::filesystem::file_size(dir.path() / "chart" / "diff.png"), 1000u);
}

TEST(CliDiff, AFolderThatIsNoRunIsAnErrorNamingIt) {
  testing::TempDir dir;
  const auto a = train_ok(dir, kTinySteps, {"--out", "a"});
  const testing::CommandResult result = run_nnlab(dir, {"diff", a.string(), "a"});  // the parent, no config.toml
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("run folder 'a'"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

}  // namespace
}  // namespace nnlab
