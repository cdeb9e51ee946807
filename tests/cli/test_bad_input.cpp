// Every kind of bad input gives one clear line on stderr and the right exit status:
// 2 for bad usage or config, 1 for a failure while running (unreadable data, I/O, divergence).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <zlib.h>

#include <cmath>
#include <cstring>

#include "cli/nnlab_runner.h"
#include "data/image_writer.h"
#include "nnlab/data/idx_file.h"
#include "nnlab/tensor/tensor.h"
#include "testing/fifo.h"

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

// Runs `nnlab <args>` and checks the status and that stderr is one line holding every fragment.
void expect_command_failure(const testing::TempDir& dir, const std::vector<std::string>& args, int status,
                            const std::vector<std::string>& fragments) {
  const testing::CommandResult result = run_nnlab(dir, args);
  EXPECT_EQ(result.status, status) << result.err;
  EXPECT_TRUE(result.err.starts_with("nnlab: ")) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(result.err.find(fragment), std::string::npos) << "stderr lacks \"" << fragment << "\": " << result.err;
  }
}

// An IDX header: magic, type code, then each size as a big-endian uint32.
std::string idx_header(unsigned char code, const std::vector<std::uint32_t>& sizes) {
  std::string bytes = {0, 0, static_cast<char>(code), static_cast<char>(sizes.size())};
  for (std::uint32_t size : sizes) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(size >> shift));
  }
  return bytes;
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

// True when `dir` holds no run folder: a config error must come before the folder is made.
bool no_run_folder(const testing::TempDir& dir) {
  const std::filesystem::path runs = dir.path() / "runs";
  return !std::filesystem::exists(runs) || std::filesystem::is_empty(runs);
}

constexpr const char* kXorConfig = "[data]\ndataset = \"xor\"\nsamples = 100\n[train]\nepochs = 1\n";

TEST(CliBadInput, HiddenWidthPastTheSizeCapIsAConfigErrorInTrainAndInfo) {
  testing::TempDir dir;  // these crashed: the weight's element count overflowed int64
  const std::string config = write_text(dir, "config.toml", kXorConfig);
  for (const char* width : {"9223372036854775807", "4611686018427387904"}) {
    const std::string set = std::string("model.hidden=[") + width + "]";
    for (const char* command : {"train", "info"}) {
      expect_command_failure(dir, {command, config, "--set", set}, 2,
                             {"--set " + set, "[model] hidden[0]", "<= 2147483647", width});
    }
  }
  EXPECT_TRUE(no_run_folder(dir));
}

TEST(CliBadInput, LayerTooLargeForMemoryNamesTheKey) {
  testing::TempDir dir;  // within the cap, but one batch's output has more than 2^34 elements
  const std::string config = write_text(dir, "config.toml", kXorConfig);
  for (const char* command : {"train", "info"}) {
    expect_command_failure(dir, {command, config, "--set", "model.hidden=[2147483647]"}, 2,
                           {"[model] hidden[0]", "at most 2^34 elements", "2147483647"});
  }
  EXPECT_TRUE(no_run_folder(dir));
}

TEST(CliBadInput, HugeLayerSizesInACnnNameTheLayer) {
  testing::TempDir dir;  // linear out and adaptive pool sizes of 2^31 and more crashed `nnlab info`
  write_mnist(dir);
  const std::string head = std::string(kMnistConfig) + "[model]\ntype = \"cnn\"\n";
  const std::string config = write_text(
      dir, "config.toml",
      head + "[[model.layers]]\ntype = \"flatten\"\n[[model.layers]]\ntype = \"linear\"\nout = 2147483648\n");
  expect_command_failure(dir, {"info", config}, 2,
                         {"config.toml:13", "[[model.layers]] #2 (linear) out", "<= 2147483647", "2147483648"});
  const std::string linear = write_text(
      dir, "linear.toml",
      head + "[[model.layers]]\ntype = \"flatten\"\n[[model.layers]]\ntype = \"linear\"\nout = 2147483647\n");
  expect_command_failure(dir, {"info", linear}, 2,
                         {"[[model.layers]] #2 (linear)", "at most 2^34 elements", "[2147483647, 784]"});
  for (const char* size : {"2147483647", "2147483648", "9223372036854775807"}) {
    const std::string pool =
        write_text(dir, "pool.toml", head + "[[model.layers]]\ntype = \"adaptive_avgpool\"\nsize = " + size + "\n");
    expect_command_failure(dir, {"info", pool}, 2, {"[[model.layers]] #1 (adaptive_avgpool)"});
  }
}

TEST(CliBadInput, Int64MaxPaddingsAndBatchSizeAreRefusedNamingTheKey) {
  testing::TempDir dir;  // a conv padding of 2^63 - 1 trained with exit 0 and a wrong output shape
  write_mnist(dir);
  const std::string cnn = std::string(kMnistConfig) + "[model]\ntype = \"cnn\"\n[[model.layers]]\ntype = \"conv\"\n";
  const std::string tail = "\n[[model.layers]]\ntype = \"flatten\"\n[[model.layers]]\ntype = \"linear\"\nout = 10\n";
  for (const char* key : {"padding", "dilation", "stride", "kernel"}) {
    expect_failure(dir, cnn + "out = 2\n" + key + " = 9223372036854775807" + tail, 2,
                   {"config.toml:12", std::string("[[model.layers]] #1 (conv) ") + key, "<= 2147483647"});
  }
  expect_failure(dir, std::string(kMnistConfig) + "[data.augment]\ncrop_padding = 9223372036854775807\n", 2,
                 {"[data.augment] crop_padding", "<= 2147483647"});
  expect_failure(dir, std::string(kMnistConfig) + "batch_size = 9223372036854775807\n", 2,
                 {"[train] batch_size", "<= 2147483647"});
  EXPECT_TRUE(no_run_folder(dir));
}

TEST(CliBadInput, KernelLargerThanItsInputNamesTheLayerAndLeavesNoFolder) {
  testing::TempDir dir;
  write_mnist(dir);
  expect_failure(dir,
                 std::string(kMnistConfig) +
                     "[model]\ntype = \"cnn\"\n[[model.layers]]\ntype = \"conv\"\nout = 2\nkernel = 29\n"
                     "[[model.layers]]\ntype = \"flatten\"\n[[model.layers]]\ntype = \"linear\"\nout = 10\n",
                 2, {"[[model.layers]] #1 (conv)", "[1, 1, 28, 28]", "(29, 29)"});
  EXPECT_TRUE(no_run_folder(dir));
}

TEST(CliBadInput, ConfigErrorsFoundWhileBuildingTheRunLeaveNoFolder) {
  testing::TempDir dir;  // each of these left an unresumable run folder behind
  write_mnist(dir);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string(kXorConfig) + "batch_size = 1000\ndrop_last = true\n", "[train] batch_size"},
      {"[data]\ndataset = \"function\"\nsamples = 100\n[train]\nloss = \"cross_entropy\"\n",
       "[train] loss 'cross_entropy' needs a classification dataset"},
      {std::string(kMnistConfig) + "[probes]\ndecision_boundary = true\n", "[probes] decision_boundary"},
      {std::string(kXorConfig) + "[data.augment]\nflip = true\n", "augment"},
      {std::string(kXorConfig) + "[model]\nfreeze = [\"1\", \"3\"]\n", "[model] freeze"},
  };
  for (const auto& [config, key] : cases) {
    expect_failure(dir, config, 2, {key});
    EXPECT_TRUE(no_run_folder(dir)) << config;
  }
}

TEST(CliBadInput, EmptyEpochSaysWhichSettingsLeaveNoBatch) {
  testing::TempDir dir;  // the message spoke of drop_last even where it was false
  expect_failure(dir, std::string(kXorConfig) + "batch_size = 1000\ndrop_last = true\n", 2,
                 {"[train] batch_size", "expected at most the 70 training examples", "drop_last = true", "got 1000"});
}

TEST(CliBadInput, RunNameTooLongForAFileNameIsAConfigError) {
  testing::TempDir dir;  // the run folder is <name>-<timestamp>, and a file name holds 255 bytes
  expect_failure(dir, "name = \"" + std::string(300, 'a') + "\"\n" + kXorConfig, 2,
                 {"config.toml:1", "name", "at most 200 characters", "got 300 characters"});
  EXPECT_TRUE(no_run_folder(dir));
}

TEST(CliBadInput, EvalWithAMissingConfigIsAUsageError) {
  testing::TempDir dir;
  write_text(dir, "model.safetensors", "");
  expect_command_failure(dir, {"eval", "model.safetensors", "--config", "missing.toml"}, 2,
                         {"--config", "missing.toml"});
  expect_command_failure(dir, {"eval", "missing-run"}, 2, {"missing-run"});
}

TEST(CliBadInput, UnknownCommandIsNamedWithTheCommands) {
  testing::TempDir dir;  // CLI11 alone answered "A subcommand is required"
  expect_command_failure(dir, {"frobnicate"}, 2, {"unknown command 'frobnicate'", "train", "resume", "info"});
  expect_command_failure(dir, {"frobnicate", "--set", "x=1"}, 2, {"unknown command 'frobnicate'"});
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

// `nnlab train /dev/zero` and `nnlab info /dev/urandom` read until memory ran out.
TEST(CliBadInput, ConfigThatIsADeviceIsRefusedByName) {
  testing::TempDir dir;
  // A usage error (exit 2), like a config file that does not exist.
  expect_command_failure(dir, {"train", "/dev/zero"}, 2, {"'/dev/zero': expected a file, got a character device"});
  expect_command_failure(dir, {"info", "/dev/urandom"}, 2,
                         {"'/dev/urandom': expected a file, got a character device"});
}

TEST(CliBadInput, ConfigThatIsAFifoIsRefusedNotWaitedOn) {
  testing::TempDir dir;
  const testing::TestFifo fifo(dir.path() / "config.toml");
  expect_command_failure(dir, {"train", fifo.path()}, 2, {fifo.path(), "expected a file, got a FIFO"});
}

TEST(CliBadInput, InitFromADeviceOrAFifoIsRefusedByName) {
  testing::TempDir dir;
  expect_failure(dir, "[data]\ndataset = \"xor\"\n[model]\nhidden = [4]\ninit_from = \"/dev/zero\"\n", 1,
                 {"'/dev/zero': expected a safetensors file, got a character device"});
  const testing::TestFifo fifo(dir.path() / "weights.safetensors");
  expect_failure(dir, "[data]\ndataset = \"xor\"\n[model]\nhidden = [4]\ninit_from = \"" + fifo.path() + "\"\n", 1,
                 {fifo.path(), "expected a safetensors file, got a FIFO"});
}

// Used to be exit 2 blaming `[data] validation` ("take 5 of the 0 training examples").
TEST(CliBadInput, IdxFileWithoutImagesIsADataFaultNamingTheFile) {
  testing::TempDir dir;
  write_mnist(dir);
  data::write_idx_u8(dir.file("mnist/train-images-idx3-ubyte"), Tensor::zeros({0, 28, 28}), false);
  data::write_idx_u8(dir.file("mnist/train-labels-idx1-ubyte"), Tensor::zeros({0}), false);
  expect_failure(dir, kMnistConfig, 1, {"train-images-idx3-ubyte", "expected at least one image"});
}

// A float label file: its NaN used to be shown as label -9223372036854775808.
TEST(CliBadInput, NanIdxLabelIsNamedAsNan) {
  testing::TempDir dir;
  write_mnist(dir);
  std::string labels = idx_header(0x0D, {20});
  for (int i = 0; i < 20; ++i) {
    const float value = i == 3 ? std::nanf("") : static_cast<float>(i % 10);
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, 4);
    for (int shift = 24; shift >= 0; shift -= 8) labels.push_back(static_cast<char>(bits >> shift));
  }
  std::ofstream(dir.file("mnist/train-labels-idx1-ubyte"), std::ios::binary) << labels;
  expect_failure(dir, kMnistConfig, 1, {"train-labels-idx1-ubyte", "got nan at element 3"});
}

// 20 images declared, then 4 MiB more zeros than that in the gzip stream (4 KB compressed).
TEST(CliBadInput, GzipIdxLongerThanItsHeaderSaysIsAnError) {
  testing::TempDir dir;
  write_mnist(dir);
  const std::string path = dir.file("mnist/train-images-idx3-ubyte.gz");
  gzFile file = gzopen(path.c_str(), "wb9");
  ASSERT_NE(file, nullptr);
  const std::string head = idx_header(0x08, {20, 28, 28});
  gzwrite(file, head.data(), static_cast<unsigned>(head.size()));
  const std::vector<char> zeros(20 * 28 * 28 + (std::size_t{4} << 20), 0);
  gzwrite(file, zeros.data(), static_cast<unsigned>(zeros.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
  expect_failure(dir, kMnistConfig, 1, {"train-images-idx3-ubyte.gz", "the decompressed stream holds more"});
}

TEST(CliBadInput, CsvLabelThatWouldMakeMillionsOfClassesNamesTheLine) {
  testing::TempDir dir;
  write_text(dir, "points.csv", "x,y,label\n1,2,0\n3,4,1\n5,6,10000000\n");
  expect_failure(dir, "[data]\ndataset = \"csv\"\npath = \"points.csv\"\n", 1,
                 {"points.csv", "line 4", "below 100000", "10000000"});
}

TEST(CliBadInput, CsvNanCellNamesLineAndColumn) {
  testing::TempDir dir;
  write_text(dir, "points.csv", "x,y,label\n1,2,0\n3,nan,1\n");
  expect_failure(dir, "[data]\ndataset = \"csv\"\npath = \"points.csv\"\n", 1,
                 {"points.csv", "line 3, column 2 ('y')", "expected a finite number", "'nan'"});
}

TEST(CliBadInput, CsvPathThatIsAFolderIsNamedAsAFolder) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "points.csv");
  expect_failure(dir, "[data]\ndataset = \"csv\"\npath = \"points.csv\"\n", 1, {"points.csv", "got a folder"});
}

// A 420-byte PNG declaring 12000x12000 decoded at 2.1 GB even with image_size = 8.
TEST(CliBadInput, ImageAboveThePixelCapIsRefusedFromItsHeader) {
  testing::TempDir dir;
  for (const char* name : {"a", "b"}) {
    std::filesystem::create_directories(dir.path() / "pics" / name);
    testing::write_bytes(dir.file(std::string("pics/") + name + "/1.png"),
                         testing::encode_png({.height = 8, .width = 8, .samples = std::vector<std::uint8_t>(192, 0)}));
  }
  testing::write_bytes(dir.file("pics/b/2.png"), testing::png_with_only_a_header(12000, 12000));
  expect_failure(dir, "[data]\ndataset = \"image-folder\"\npath = \"pics\"\nimage_size = 8\nvalidation = 1\n", 1,
                 {"pics/b/2.png", "12000x12000", "expected at most 67108864 pixels"});
}

}  // namespace
}  // namespace nnlab
