// `nnlab train` end to end on tiny configs: synthetic data and small generated IDX, CIFAR,
// CSV and image-folder files; the run folder's contents; reproducibility; resume.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/nnlab_runner.h"
#include "data/image_writer.h"
#include "nnlab/data/idx_file.h"
#include "nnlab/io/config.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/tensor/tensor.h"
#include "testing/asserts.h"

namespace nnlab {
namespace {

using testing::read_lines;
using testing::read_text;
using testing::run_nnlab;
using testing::write_text;

constexpr const char* kTinyMap = R"(name = "tiny"
[data]
dataset = "map"
samples = 300
classes = 4
[model]
hidden = [16]
[optim]
name = "adam"
lr = 0.01
[train]
epochs = 2
batch_size = 32
)";

using testing::train_ok;

TEST(CliTrain, LeavesACompleteRunFolder) {
  testing::TempDir dir;
  const auto folder = train_ok(dir, kTinyMap, {"--set", "train.epochs=3"});
  for (const char* file : {"config.toml", "metrics.jsonl", "metrics.csv", "model.safetensors", "optimizer.safetensors",
                           "state.json", "summary.json"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(folder / file)) << file;
  }
  EXPECT_EQ(folder.parent_path().filename(), "runs");
  EXPECT_TRUE(folder.filename().string().starts_with("tiny-")) << folder;
  // One scalar record per line; each epoch records these nine.
  const std::vector<std::string> tags = {"train/loss",    "train/accuracy",     "lr",
                                         "val/loss",      "val/accuracy",       "test/loss",
                                         "test/accuracy", "time/epoch_seconds", "time/seconds"};
  const auto lines = read_lines(folder / "metrics.jsonl");
  ASSERT_EQ(lines.size(), 3 * tags.size());
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const auto record = nlohmann::json::parse(lines[2 * tags.size() + i]);
    EXPECT_EQ(record["tag"], tags[i]);
    EXPECT_EQ(record["epoch"], 3);
    EXPECT_EQ(record["step"], 3 * 7);  // 7 batches of 32 for the 210 training examples
    EXPECT_TRUE(record["value"].is_number()) << tags[i];
  }
  const auto csv = read_lines(folder / "metrics.csv");
  ASSERT_EQ(csv.size(), 1 + lines.size());
  EXPECT_EQ(csv[0], "tag,step,epoch,value");
  EXPECT_TRUE(csv[1].starts_with("train/loss,7,1,")) << csv[1];
  const auto summary = nlohmann::json::parse(read_text(folder / "summary.json"));
  EXPECT_EQ(summary["stop_reason"], "completed");
  EXPECT_EQ(summary["epochs_completed"], 3);
  // The resolved config says what ran: the override included, and it parses back.
  const io::ExperimentConfig resolved = io::load_config(folder / "config.toml");
  EXPECT_EQ(resolved.train.epochs, 3);
  EXPECT_EQ(resolved, io::parse_config(kTinyMap, "tiny", {"train.epochs=3"}));
}

TEST(CliTrain, SameSeedGivesByteIdenticalMetrics) {
  testing::TempDir dir;
  const auto first = train_ok(dir, kTinyMap, {"--out", "a"});
  const auto second = train_ok(dir, kTinyMap, {"--out", "b"});
  const std::string metrics = testing::metrics_without_timings(first);
  EXPECT_EQ(metrics, testing::metrics_without_timings(second));
  EXPECT_EQ(read_text(first / "model.safetensors"), read_text(second / "model.safetensors"));
  const auto other_seed = train_ok(dir, kTinyMap, {"--out", "c", "--seed", "1"});
  EXPECT_NE(metrics, testing::metrics_without_timings(other_seed));
}

// A run of three epochs straight through, and one of two epochs whose config then asks for a
// third, as if it had been stopped after two.
struct StraightAndInterrupted {
  std::filesystem::path straight, interrupted;
};
StraightAndInterrupted straight_and_interrupted(const testing::TempDir& dir) {
  StraightAndInterrupted runs{train_ok(dir, kTinyMap, {"--out", "straight", "--set", "train.epochs=3"}),
                              train_ok(dir, kTinyMap, {"--out", "interrupted"})};
  if (!runs.interrupted.empty()) {
    std::ofstream(runs.interrupted / "config.toml")
        << io::to_toml(io::parse_config(kTinyMap, "tiny", {"train.epochs=3"}));
  }
  return runs;
}

TEST(CliTrain, ResumeContinuesAsIfNeverInterrupted) {
  testing::TempDir dir;
  const auto [straight, interrupted] = straight_and_interrupted(dir);
  ASSERT_FALSE(interrupted.empty());
  const testing::CommandResult resumed = run_nnlab(dir, {"resume", interrupted.string()});
  ASSERT_EQ(resumed.status, 0) << resumed.out << resumed.err;
  EXPECT_EQ(testing::metrics_without_timings(interrupted), testing::metrics_without_timings(straight));
  EXPECT_EQ(read_lines(interrupted / "metrics.csv").size(), read_lines(straight / "metrics.csv").size());
}

TEST(CliTrain, ResumeDropsDamagedLogLines) {
  testing::TempDir dir;
  const auto [straight, interrupted] = straight_and_interrupted(dir);
  ASSERT_FALSE(interrupted.empty());
  // A hand-edited or half-copied log: lines that do not read as nnlab wrote them.
  std::ofstream(interrupted / "metrics.csv", std::ios::app) << "oops,1,2\n";
  std::ofstream(interrupted / "metrics.jsonl", std::ios::app) << "{\"epoch\": \"two\"}\nnot json\n";
  const testing::CommandResult resumed = run_nnlab(dir, {"resume", interrupted.string()});
  ASSERT_EQ(resumed.status, 0) << resumed.out << resumed.err;
  EXPECT_EQ(testing::metrics_without_timings(interrupted), testing::metrics_without_timings(straight));
  EXPECT_EQ(read_lines(interrupted / "metrics.csv").size(), read_lines(straight / "metrics.csv").size());
}

TEST(CliTrain, RegressionOnTheSincFunction) {
  testing::TempDir dir;
  const auto folder = train_ok(dir, R"(
[data]
dataset = "function"
samples = 200
[model]
hidden = [16, 16]
[optim]
name = "adam"
lr = 0.01
[train]
epochs = 2
batch_size = 50
)");
  std::set<std::string> tags;
  for (const std::string& line : read_lines(folder / "metrics.jsonl")) tags.insert(nlohmann::json::parse(line)["tag"]);
  EXPECT_FALSE(tags.contains("train/accuracy"));  // no accuracy for regression
  EXPECT_TRUE(tags.contains("test/loss"));
}

TEST(CliTrain, ReadsSmallIdxFiles) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "mnist");
  for (const auto& [prefix, n] : {std::pair{"train", 40}, std::pair{"t10k", 10}}) {
    std::vector<double> pixels(static_cast<std::size_t>(n) * 28 * 28), labels(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<double>((i * 7) % 256);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<double>(i % 10);
    const std::string base = dir.file(std::string("mnist/") + prefix);
    data::write_idx_u8(base + "-images-idx3-ubyte.gz", Tensor::from_doubles(pixels, {n, 28, 28}, DType::f64), true);
    data::write_idx_u8(base + "-labels-idx1-ubyte.gz", Tensor::from_doubles(labels, {n}, DType::f64), true);
  }
  const auto folder = train_ok(dir,
                               "[data]\ndataset = \"mnist\"\npath = \"mnist\"\nvalidation = 8\n"
                               "[train]\nepochs = 1\nbatch_size = 8\n");
  const auto summary = nlohmann::json::parse(read_text(folder / "summary.json"));
  EXPECT_EQ(summary["dataset"]["train"], 32);
  EXPECT_EQ(summary["dataset"]["val"], 8);
  EXPECT_EQ(summary["dataset"]["test"], 10);
}

TEST(CliTrain, ReadsSmallCifarBatches) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "cifar");
  const auto write_batch = [&](const std::string& name, int records) {
    std::ofstream out(dir.file("cifar/" + name), std::ios::binary);
    for (int r = 0; r < records; ++r) {
      out.put(static_cast<char>(r % 10));
      for (int i = 0; i < 3072; ++i) out.put(static_cast<char>((r * 31 + i) % 256));
    }
  };
  for (int b = 1; b <= 5; ++b) write_batch("data_batch_" + std::to_string(b) + ".bin", 4);
  write_batch("test_batch.bin", 5);
  const auto folder = train_ok(dir,
                               "[data]\ndataset = \"cifar10\"\npath = \"cifar\"\nvalidation = 4\n"
                               "[data.augment]\nflip = true\ntranslate = 2\n"
                               "[model]\ntype = \"logistic\"\n[train]\nepochs = 1\nbatch_size = 4\n");
  const auto summary = nlohmann::json::parse(read_text(folder / "summary.json"));
  EXPECT_EQ(summary["dataset"]["train"], 16);
  EXPECT_EQ(summary["dataset"]["test"], 5);
}

TEST(CliTrain, ReadsACsvFile) {
  testing::TempDir dir;
  std::string csv = "x,y,label\n";
  for (int i = 0; i < 60; ++i)
    csv += std::to_string(i % 3) + "." + std::to_string(i % 7) + ",1.5," + (i % 2 ? "cat" : "dog") + "\n";
  write_text(dir, "points.csv", csv);
  const auto folder = train_ok(dir,
                               "[data]\ndataset = \"csv\"\npath = \"points.csv\"\nlabel_column = \"label\"\n"
                               "[train]\nepochs = 2\nbatch_size = 10\n");
  const auto summary = nlohmann::json::parse(read_text(folder / "summary.json"));
  EXPECT_EQ(summary["dataset"]["train"], 42);  // 60 - 10% validation - 20% test
}

TEST(CliTrain, ReadsAnImageFolder) {
  testing::TempDir dir;
  for (const char* cls : {"cats", "dogs"}) {
    std::filesystem::create_directories(dir.path() / "pets" / cls);
    for (int i = 0; i < 6; ++i) {
      const auto shade = static_cast<std::uint8_t>(cls[0] == 'c' ? 20 * i : 255 - 20 * i);
      const auto pixels = testing::solid_rgb(8, 8, shade, shade, shade);
      const std::string file = dir.file(std::string("pets/") + cls + "/" + std::to_string(i));
      if (i % 2) {
        testing::write_bytes(file + ".jpg", testing::encode_jpeg(8, 8, 3, pixels));
      } else {
        testing::write_bytes(file + ".png", testing::encode_png({.height = 8, .width = 8, .samples = pixels}));
      }
    }
  }
  const auto folder = train_ok(dir,
                               "[data]\ndataset = \"image-folder\"\npath = \"pets\"\nvalidation = 2\ntest = 2\n"
                               "[train]\nepochs = 1\nbatch_size = 4\n");
  const auto summary = nlohmann::json::parse(read_text(folder / "summary.json"));
  EXPECT_EQ(summary["dataset"]["train"], 8);
}

TEST(CliTrain, StartsFromWeightsOfAnotherRun) {
  testing::TempDir dir;
  const auto first = train_ok(dir, kTinyMap, {"--out", "first"});
  const std::string weights = (first / "model.safetensors").string();
  train_ok(dir, kTinyMap, {"--out", "second", "--set", "model.init_from=" + weights, "--set", "train.shuffle=false"});
  // A model of another width cannot take those weights: the error names the tensor.
  const auto result =
      run_nnlab(dir, {"train", "config.toml", "--set", "model.init_from=" + weights, "--set", "model.hidden=[8]"});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("'1.weight' has shape [16, 2] in the file, the model expects [8, 2]"), std::string::npos)
      << result.err;
}

TEST(CliTrain, TransferLearningWithANewHeadAndAFrozenLayer) {
  // Pretrain on 4 classes; then load everything but the head ("3.") for a 3-class task,
  // keep the first layer ("1.") frozen, and give the head its own learning rate.
  testing::TempDir dir;
  const auto pretrained = train_ok(dir, kTinyMap, {"--out", "pretrained"});
  const auto tuned =
      train_ok(dir, kTinyMap,
               {"--out", "tuned", "--set", "data.classes=3", "--set",
                "model.init_from=" + (pretrained / "model.safetensors").string(), "--set", R"(model.init_skip=["3."])",
                "--set", R"(model.freeze=["1."])", "--set", R"(optim.lr_by_prefix={"3." = 0.05})"});
  const auto before = io::load_safetensors((pretrained / "model.safetensors").string()).tensors;
  const auto after = io::load_safetensors((tuned / "model.safetensors").string()).tensors;
  EXPECT_TRUE(tensors_close(after.at("1.weight"), before.at("1.weight"), {0.0, 0.0}));  // frozen
  EXPECT_TRUE(tensors_close(after.at("1.bias"), before.at("1.bias"), {0.0, 0.0}));
  EXPECT_EQ(after.at("3.weight").shape(), (Shape{3, 16}));
}

TEST(CliTrain, TrainsACnnFromALayerList) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "digits");
  for (const auto& [prefix, n] : {std::pair{"train", 24}, std::pair{"t10k", 8}}) {
    std::vector<double> pixels(static_cast<std::size_t>(n) * 28 * 28), labels(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<double>((i * 13) % 256);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<double>(i % 10);
    const std::string base = dir.file(std::string("digits/") + prefix);
    data::write_idx_u8(base + "-images-idx3-ubyte", Tensor::from_doubles(pixels, {n, 28, 28}, DType::f64), false);
    data::write_idx_u8(base + "-labels-idx1-ubyte", Tensor::from_doubles(labels, {n}, DType::f64), false);
  }
  const std::string config = R"([data]
dataset = "mnist"
path = "digits"
validation = 4
[model]
type = "cnn"
layers = [
  { type = "conv", out = 4, kernel = 3, padding = 1 },
  { type = "batchnorm" },
  { type = "relu" },
  { type = "maxpool", kernel = 2 },
  { type = "flatten" },
  { type = "dropout", p = 0.1 },
  { type = "linear", out = 10 },
]
[train]
epochs = 1
batch_size = 8
)";
  const auto folder = train_ok(dir, config);
  EXPECT_TRUE(std::filesystem::exists(folder / "model.safetensors"));
  const auto info = run_nnlab(dir, {"info", "config.toml"});
  EXPECT_NE(info.out.find("[1, 4, 14, 14]"), std::string::npos) << info.out;  // after the max-pool
  // A linear layer straight after a convolution: the error names the layer and the fix.
  const auto bad = run_nnlab(
      dir, {"train", "config.toml", "--set", R"(model.layers=[{type="conv", out=4}, {type="linear", out=10}])"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("[[model.layers]] #2 (linear)"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("flatten"), std::string::npos) << bad.err;
}

TEST(CliTrain, TwoFashionMnistClassesResizedTo64) {
  // E7's data: Sandal (5) and Sneaker (7) only, relabelled 0 and 1, enlarged to 64x64.
  testing::TempDir dir;
  const auto folder = train_ok(dir, R"([data]
dataset = "fashion-mnist"
keep_classes = [5, 7]
image_size = 64
limit = 40
validation = 20
[model]
type = "logistic"
[train]
epochs = 1
batch_size = 20
[probes]
confusion = true
)");
  EXPECT_NE(read_text(folder / "model.txt").find("Linear(in_features=4096, out_features=2"), std::string::npos)
      << read_text(folder / "model.txt");
  const auto summary = nlohmann::json::parse(read_text(folder / "summary.json"));
  EXPECT_EQ(summary["dataset"]["train"], 40);
  EXPECT_EQ(summary["dataset"]["test"], 2000);  // 1,000 test images per class
  bool confusion = false;
  for (const std::string& line : read_lines(folder / "probes.jsonl")) {
    const auto record = nlohmann::json::parse(line);
    if (record["tag"] != "confusion") continue;
    confusion = true;
    EXPECT_EQ(record["x_labels"], (std::vector<std::string>{"Sandal", "Sneaker"}));
  }
  EXPECT_TRUE(confusion);
  // test_limit keeps the first test examples only (quick runs).
  const auto limited = train_ok(dir, read_text(folder / "config.toml"), {"--set", "data.test_limit=30"});
  EXPECT_EQ(nlohmann::json::parse(read_text(limited / "summary.json"))["dataset"]["test"], 30);
  // A class the dataset lacks is named with the key; a negative index is caught with its line.
  const auto missing = run_nnlab(dir, {"train", "config.toml", "--set", "data.keep_classes=[5, 10]"});
  EXPECT_EQ(missing.status, 2) << missing.err;
  EXPECT_NE(missing.err.find("[data] keep_classes: expected class indices in [0, 10)"), std::string::npos)
      << missing.err;
  EXPECT_NE(missing.err.find("got 10"), std::string::npos) << missing.err;
  write_text(dir, "negative.toml", "[data]\nkeep_classes = [5, -7]\n");
  const auto negative = run_nnlab(dir, {"train", "negative.toml"});
  EXPECT_EQ(negative.status, 2) << negative.err;
  EXPECT_NE(negative.err.find("negative.toml:2"), std::string::npos) << negative.err;
  EXPECT_NE(negative.err.find("keep_classes"), std::string::npos) << negative.err;
}

TEST(CliCommands, InfoEvalDatasetsHelpVersion) {
  testing::TempDir dir;
  const auto folder = train_ok(dir, kTinyMap);
  const auto info = run_nnlab(dir, {"info", "config.toml"});
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("Linear(in_features=2, out_features=16"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("[1, 4]"), std::string::npos) << info.out;  // the last layer's output shape
  // 16 ReLU units over the plane: at most C(16,0) + C(16,1) + C(16,2) = 1 + 16 + 120 regions.
  EXPECT_NE(info.out.find("linear regions: at most 137 "), std::string::npos) << info.out;
  const auto eval = run_nnlab(dir, {"eval", folder.string()});
  EXPECT_EQ(eval.status, 0) << eval.err;
  EXPECT_NE(eval.out.find("| test "), std::string::npos) << eval.out;
  const auto datasets = run_nnlab(dir, {"datasets"});
  EXPECT_NE(datasets.out.find("fashion-mnist"), std::string::npos);
  EXPECT_NE(datasets.out.find("data.image_size"), std::string::npos) << datasets.out;
  EXPECT_NE(datasets.out.find("data.keep_classes"), std::string::npos) << datasets.out;
  const auto help = run_nnlab(dir, {"train", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("optim.lr"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("data.keep_classes"), std::string::npos) << help.out;
  const auto version = run_nnlab(dir, {"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find("nnlab "), std::string::npos);
}

}  // namespace
}  // namespace nnlab
