// CIFAR-10 is not packaged: `nnlab run e15`, `nnlab train` and `nnlab sweep` without its files
// stop before any folder is made or any part starts, with one line that names the missing file
// (or data.path), the binary version's address and the key to give.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/nnlab_runner.h"
#include "data/cifar_writer.h"

namespace nnlab {
namespace {

using testing::run_nnlab;
using testing::write_text;

const std::filesystem::path kCatalogue =
    std::filesystem::path(NNLAB_FIXTURE_DIR).parent_path().parent_path() / "experiments";

constexpr const char* kUrl = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";

// One line on stderr holding every fragment, the exit status, and no output folder.
void expect_refused(const testing::TempDir& dir, const testing::CommandResult& result, int status,
                    const std::vector<std::string>& fragments) {
  EXPECT_EQ(result.status, status) << result.out << result.err;
  EXPECT_TRUE(result.err.starts_with("nnlab: ")) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(result.err.find(fragment), std::string::npos) << "stderr lacks \"" << fragment << "\": " << result.err;
  }
  for (const char* folder : {"runs", "sweeps"}) EXPECT_FALSE(std::filesystem::exists(dir.path() / folder)) << folder;
  EXPECT_EQ(result.out.find("part 1/"), std::string::npos) << result.out;
}

testing::CommandResult run_e15(const testing::TempDir& dir, const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {"run", "e15", "--quick", "--catalogue", kCatalogue.string()};
  args.insert(args.end(), more.begin(), more.end());
  return run_nnlab(dir, args);
}

TEST(CliCifarData, RunWithoutDataPathSaysWhereToGetTheDataAndWhichKeyToGive) {
  testing::TempDir dir;
  expect_refused(
      dir, run_e15(dir), 2,
      {"[data] path", "data.path", "CIFAR-10 binary version", kUrl, "cifar-10-batches-bin/", "--set data.path="});
}

TEST(CliCifarData, RunWithAMissingBatchNamesIt) {
  testing::TempDir dir;
  testing::write_cifar10_files(dir.path() / "cifar", {.per_train_batch = 2, .test = 2, .seed = 0});
  std::filesystem::remove(dir.path() / "cifar" / "test_batch.bin");
  expect_refused(dir, run_e15(dir, {"--set", "data.path=" + dir.file("cifar")}), 2,
                 {(dir.path() / "cifar" / "test_batch.bin").string(), "no such file", kUrl, "data.path"});
}

TEST(CliCifarData, RunWithTheArchivesParentFolderSuggestsTheFolderItMade) {
  testing::TempDir dir;
  testing::write_cifar10_files(dir.path() / "downloads" / "cifar-10-batches-bin",
                               {.per_train_batch = 2, .test = 2, .seed = 0});
  expect_refused(dir, run_e15(dir, {"--set", "data.path=" + dir.file("downloads")}), 2,
                 {"data_batch_1.bin", "did you mean data.path=" + dir.file("downloads/cifar-10-batches-bin")});
}

// A file cut short is unreadable data, not a wrong setting: exit status 1, as when a run reads it.
TEST(CliCifarData, RunWithAFileOfTheWrongSizeNamesIt) {
  testing::TempDir dir;
  testing::write_cifar10_files(dir.path() / "cifar", {.per_train_batch = 2, .test = 2, .seed = 0});
  std::filesystem::resize_file(dir.path() / "cifar" / "data_batch_2.bin", 3073 + 1000);
  expect_refused(dir, run_e15(dir, {"--set", "data.path=" + dir.file("cifar")}), 1,
                 {(dir.path() / "cifar" / "data_batch_2.bin").string(), "multiple of the record size 3073",
                  "got 4073 bytes", kUrl});
}

constexpr const char* kCifarConfig = R"([data]
dataset = "cifar10"
validation = 2
[model]
type = "logistic"
[train]
epochs = 1
)";

TEST(CliCifarData, TrainAndSweepStopBeforeMakingAFolder) {
  testing::TempDir dir;
  const std::string config = write_text(dir, "cifar.toml", kCifarConfig);
  expect_refused(dir, run_nnlab(dir, {"train", config}), 2, {"[data] path", kUrl, "data.path"});
  const std::string sweep =
      write_text(dir, "sweep.toml", std::string(kCifarConfig) + "[sweep]\ngrid = { \"optim.lr\" = [0.1, 0.01] }\n");
  expect_refused(dir, run_nnlab(dir, {"sweep", sweep}), 2, {"[data] path", kUrl, "data.path"});
  expect_refused(dir, run_nnlab(dir, {"sweep", sweep, "--set", "data.path=nowhere"}), 2,
                 {"nowhere/data_batch_1.bin", "no such file", kUrl});
}

TEST(CliCifarData, Cifar100NamesItsOwnArchive) {
  testing::TempDir dir;
  const std::string config = write_text(dir, "cifar100.toml", "[data]\ndataset = \"cifar100\"\npath = \"c100\"\n");
  expect_refused(dir, run_nnlab(dir, {"train", config}), 2,
                 {"c100/train.bin", "no such file", "CIFAR-100 binary version",
                  "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "cifar-100-binary/"});
}

}  // namespace
}  // namespace nnlab
