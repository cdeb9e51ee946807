// Every kind of bad input gives one clear line on stderr and the right exit status:
// 2 for bad usage or config, 1 for a failure while running (unreadable data, I/O, divergence).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/nnlab_runner.h"
#include "nnlab/data/idx_file.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab {
namespace {

using testing::run_nnlab;
using testing::write_text;

// Runs `nnlab train` on `config` and checks the status and that stderr is one line holding
// every fragment.
void expect_failure(const testing::TempDir& dir, const std::string& config, int status,
                    const std::vector<std::string>& fragments, const std::vector<std::string>& flags = {}) {
  std::vector<std::string> args = {"train", write_text(dir, "config.toml", config)};
  args.insert(args.end(), flags.begin(), flags.end());
  const testing::CommandResult result = run_nnlab(dir, args);
  EXPECT_EQ(result.status, status) << result.err;
  EXPECT_TRUE(result.err.starts_with("nnlab: ")) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(result.err.find(fragment), std::string::npos) << "stderr lacks \"" << fragment << "\": " << result.err;
  }
}

// Four MNIST-format files in dir/mnist: 20 training and 10 test images with labels 0..9.
void write_mnist(const testing::TempDir& dir, double bad_label = -1) {
  std::filesystem::create_directories(dir.path() / "mnist");
  for (const auto& [prefix, n] : {std::pair{"train", 20}, std::pair{"t10k", 10}}) {
    std::vector<double> labels(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<double>(i % 10);
    if (bad_label >= 0) labels[3] = bad_label;
    const std::string base = dir.file(std::string("mnist/") + prefix);
    data::write_idx_u8(base + "-images-idx3-ubyte", Tensor::zeros({n, 28, 28}), false);
    data::write_idx_u8(base + "-labels-idx1-ubyte", Tensor::from_doubles(labels, {n}, DType::f64), false);
  }
}

constexpr const char* kMnistConfig = "[data]\ndataset = \"mnist\"\npath = \"mnist\"\nvalidation = 5\n[train]\nepochs = 1\n";

TEST(CliBadInput, UnknownKeyNamesFileLineAndKey) {
  testing::TempDir dir;
  expect_failure(dir, "[optim]\nlr = 0.1\nlrr = 0.2\n", 2, {"config.toml:3", "unknown key 'lrr' in [optim]", "lr"});
}

TEST(CliBadInput, WrongTypeNamesTheKey) {
  testing::TempDir dir;
  expect_failure(dir, "[train]\nepochs = \"ten\"\n", 2, {"config.toml:2", "epochs", "expected an integer"});
}

TEST(CliBadInput, OutOfRangeValueSaysWhatIsAllowed) {
  testing::TempDir dir;
  expect_failure(dir, "[optim]\nlr = -1\n", 2, {"config.toml:2", "lr", "> 0", "-1"});
}

TEST(CliBadInput, BadOverrideIsAUsageError) {
  testing::TempDir dir;
  expect_failure(dir, "", 2, {"--set optim.lrr=1", "unknown key 'lrr'"}, {"--set", "optim.lrr=1"});
}

TEST(CliBadInput, BadSeedOrThreadsFlagNamesTheFlag) {
  testing::TempDir dir;
  for (const char* value : {"abc", "-1", "1.5", "99999999999999999999"}) {
    expect_failure(dir, "", 2, {"--seed", "whole number", value}, {"--seed", value});
  }
  expect_failure(dir, "", 2, {"--threads", "whole number", "1x"}, {"--threads", "1x"});
}

TEST(CliBadInput, HugeValidationCountIsRefusedByTheConfigCheck) {
  testing::TempDir dir;  // past 2^53 a count is no longer a whole number a split can take
  expect_failure(dir, "[data]\ndataset = \"xor\"\nvalidation = 1e300\n", 2, {"config.toml:3", "validation", "1e+300"});
}

TEST(CliBadInput, FreezeTypoNamesTheKeyAndTheModelsNames) {
  testing::TempDir dir;
  expect_failure(dir, "[data]\ndataset = \"xor\"\n[model]\nhidden = [4]\nfreeze = [\"nosuch\"]\n", 2,
                 {"[model] freeze", "'nosuch'", "top-level names: 1, 3"});
}

TEST(CliBadInput, MissingDatasetFileIsNamed) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "mnist");
  expect_failure(dir, kMnistConfig, 1, {"train-images-idx3-ubyte"});
}

TEST(CliBadInput, TruncatedIdxFile) {
  testing::TempDir dir;
  write_mnist(dir);
  std::filesystem::resize_file(dir.path() / "mnist/train-images-idx3-ubyte", 1000);
  expect_failure(dir, kMnistConfig, 1, {"train-images-idx3-ubyte", "truncated"});
}

TEST(CliBadInput, WrongMagicIdxFile) {
  testing::TempDir dir;
  write_mnist(dir);
  std::ofstream(dir.file("mnist/train-labels-idx1-ubyte"), std::ios::binary) << "PK\x03\x04 not an idx file";
  expect_failure(dir, kMnistConfig, 1, {"train-labels-idx1-ubyte", "not an IDX file"});
}

TEST(CliBadInput, LabelOutOfRange) {
  testing::TempDir dir;
  write_mnist(dir, /*bad_label=*/12);
  expect_failure(dir, kMnistConfig, 1, {"train-labels-idx1-ubyte", "expected labels 0..9, got 12"});
}

TEST(CliBadInput, CifarFileOfTheWrongSize) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "cifar");
  for (int b = 1; b <= 5; ++b) {
    std::ofstream(dir.file("cifar/data_batch_" + std::to_string(b) + ".bin"), std::ios::binary)
        << std::string(3073 * 2 + (b == 3 ? 100 : 0), '\0');
  }
  std::ofstream(dir.file("cifar/test_batch.bin"), std::ios::binary) << std::string(3073, '\0');
  expect_failure(dir, "[data]\ndataset = \"cifar10\"\npath = \"cifar\"\nvalidation = 1\n", 1,
                 {"data_batch_3.bin", "multiple of the record size 3073"});
}

TEST(CliBadInput, CsvWithANonNumericCellNamesTheLine) {
  testing::TempDir dir;
  write_text(dir, "points.csv", "x,y,label\n1,2,0\n3,oops,1\n");
  expect_failure(dir, "[data]\ndataset = \"csv\"\npath = \"points.csv\"\n", 1, {"points.csv", "line 3", "oops"});
}

TEST(CliBadInput, UnwritableOutputFolder) {
  testing::TempDir dir;
  write_text(dir, "not-a-folder", "");
  expect_failure(dir, "[data]\ndataset = \"xor\"\n", 1, {"not-a-folder", "cannot create"},
                 {"--out", "not-a-folder/runs"});
}

TEST(CliBadInput, DivergedRunStopsWithAMessageAndKeepsItsLogs) {
  testing::TempDir dir;
  expect_failure(dir,
                 "[data]\ndataset = \"function\"\nsamples = 100\n[optim]\nlr = 1e6\n[train]\nepochs = 20\n"
                 "batch_size = 10\n",
                 1, {"training stopped", "loss became", "last finite loss"});
  const auto runs = std::filesystem::directory_iterator(dir.path() / "runs");
  const std::filesystem::path folder = runs->path();
  EXPECT_TRUE(std::filesystem::exists(folder / "metrics.csv"));
  EXPECT_NE(testing::read_text(folder / "summary.json").find("non_finite_loss"), std::string::npos);
}

TEST(CliBadInput, UsageErrorsExitWithTwo) {
  testing::TempDir dir;
  EXPECT_EQ(run_nnlab(dir, {}).status, 2);                                     // no command
  EXPECT_EQ(run_nnlab(dir, {"train"}).status, 2);                              // no config
  EXPECT_EQ(run_nnlab(dir, {"train", "missing.toml"}).status, 2);              // no such file
  EXPECT_EQ(run_nnlab(dir, {"train", "x.toml", "--bogus"}).status, 2);         // unknown flag
  const testing::CommandResult result = run_nnlab(dir, {"fly"});
  EXPECT_EQ(result.status, 2);
  EXPECT_TRUE(result.err.starts_with("nnlab: ")) << result.err;
}

}  // namespace
}  // namespace nnlab
