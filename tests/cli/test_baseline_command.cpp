// `nnlab baseline` end to end (E7): boosted trees on blobs with the split `nnlab train` uses, softmax
// regression on the features of a trained CNN, the misclassified picture, and the refusals of a
// bad [baseline] table (exit 2, one line, before any folder is made).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/nnlab_runner.h"
#include "data/image_writer.h"

namespace nnlab {
namespace {

using testing::read_lines;
using testing::read_text;
using testing::run_nnlab;
using testing::write_text;

constexpr const char* kBlobs = R"(name = "blobs"
[data]
dataset = "blobs"
samples = 600
classes = 3
[train]
epochs = 1
[baseline]
method = "boosted_trees"
rounds = 20
max_depth = 3
)";

nlohmann::json summary_of(const std::filesystem::path& folder) {
  return nlohmann::json::parse(read_text(folder / "summary.json"));
}

// results.csv's data row split into its cells.
std::vector<std::string> result_cells(const std::filesystem::path& folder) {
  const std::vector<std::string> lines = read_lines(folder / "results.csv");
  EXPECT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines.at(0), "method,train_accuracy,val_accuracy,test_accuracy,test_loss,seconds");
  std::vector<std::string> cells{""};
  for (const char c : lines.at(1)) {
    if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back().push_back(c);
    }
  }
  return cells;
}

void expect_one_line_error(const testing::CommandResult& result, const std::vector<std::string>& fragments) {
  EXPECT_EQ(result.status, 2) << result.out << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(result.err.find(fragment), std::string::npos) << "stderr lacks \"" << fragment << "\": " << result.err;
  }
}

TEST(CliBaseline, BoostedTreesOnBlobsWithTheSplitOfTrain) {
  testing::TempDir dir;
  const std::string config = write_text(dir, "blobs.toml", kBlobs);
  const auto result = run_nnlab(dir, {"baseline", config, "--out", "out"});
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("boosted_trees: test accuracy "), std::string::npos) << result.out;
  const std::filesystem::path folder = testing::run_folder_of(dir, result);
  EXPECT_TRUE(folder.filename().string().starts_with("blobs-baseline-")) << folder;
  for (const char* file : {"config.toml", "results.csv", "summary.json", "run.json", "metrics.jsonl", "metrics.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(folder / file)) << file;
  }
  const std::vector<std::string> cells = result_cells(folder);
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[0], "boosted_trees");
  EXPECT_GE(std::stod(cells[1]), 0.95);  // train
  EXPECT_FALSE(cells[2].empty());        // val
  EXPECT_GE(std::stod(cells[3]), 0.9);   // test
  EXPECT_GT(std::stod(cells[4]), 0.0);   // test log loss

  // The records a trained run's last epoch has, and the same split as `nnlab train`.
  const std::string metrics = read_text(folder / "metrics.jsonl");
  for (const char* tag : {"\"train/accuracy\"", "\"val/loss\"", "\"test/accuracy\"", "\"test/loss\""}) {
    EXPECT_NE(metrics.find(tag), std::string::npos) << tag << " in " << metrics;
  }
  const auto trained =
      testing::train_ok(dir, std::string(kBlobs).substr(0, std::string_view(kBlobs).find("[baseline]")));
  for (const char* split : {"train", "val", "test"}) {
    EXPECT_EQ(summary_of(folder)["dataset"][split], summary_of(trained)["dataset"][split]) << split;
  }
  EXPECT_EQ(summary_of(folder)["dataset"]["train"], 420);  // 600 - 20% test - 10% validation

  // config.toml runs again as it is, to the same numbers.
  const auto again = run_nnlab(dir, {"baseline", (folder / "config.toml").string(), "--run-dir", "again"});
  ASSERT_EQ(again.status, 0) << again.out << again.err;
  EXPECT_EQ(result_cells(dir.path() / "again")[3], cells[3]);
  EXPECT_EQ(result_cells(dir.path() / "again")[4], cells[4]);
}

// 2 x 16 grey 8x8 PNGs: class "dark" of shades below 100, "light" above 150.
void write_shades(const testing::TempDir& dir) {
  for (const char* cls : {"dark", "light"}) {
    std::filesystem::create_directories(dir.path() / "shades" / cls);
    for (int i = 0; i < 16; ++i) {
      std::vector<std::uint8_t> pixels(64);
      for (std::size_t p = 0; p < pixels.size(); ++p) {
        pixels[p] = static_cast<std::uint8_t>((cls[0] == 'd' ? 10 : 160) + (i * 5 + static_cast<int>(p) * 7) % 80);
      }
      testing::write_bytes(
          dir.file(std::string("shades/") + cls + "/" + std::to_string(i) + ".png"),
          testing::encode_png({.height = 8, .width = 8, .color = testing::PngColor::gray, .samples = pixels}));
    }
  }
}

constexpr const char* kShadesCnn = R"(name = "shades"
[data]
dataset = "image-folder"
path = "shades"
color = "gray"
validation = 4
test = 8
[model]
type = "cnn"
layers = [
  { type = "conv", out = 4, kernel = 3, padding = 1 },
  { type = "relu" },
  { type = "maxpool", kernel = 2 },
  { type = "flatten" },
  { type = "linear", out = 2 },
]
[train]
epochs = 3
batch_size = 4
)";

TEST(CliBaseline, LogisticRegressionOnTheFeaturesOfATrainedCnn) {
  testing::TempDir dir;
  write_shades(dir);
  const auto trained = testing::train_ok(dir, kShadesCnn, {"--out", "trained"});
  const std::string config =
      write_text(dir, "probe.toml",
                 std::string(kShadesCnn) + "[baseline]\nmethod = \"logistic_features\"\nepochs = 30\nbatch_size = 8\n");
  const auto result = run_nnlab(dir, {"baseline", config, "--out", "out", "--set",
                                      "model.init_from=" + (trained / "model.safetensors").string()});
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("the output of layers 0..3, before the Linear layer 4"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("on the 64 features of the cnn model"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("untrained"), std::string::npos) << result.out;
  const std::filesystem::path folder = testing::run_folder_of(dir, result);
  const std::vector<std::string> cells = result_cells(folder);
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[0], "logistic_features");
  EXPECT_GE(std::stod(cells[3]), 0.75);  // 8 test images of two well-separated shades
  EXPECT_EQ(summary_of(folder)["dataset"]["test"], 8);

  // Without init_from the features are a random network's, and the output says so.
  const auto untrained = run_nnlab(dir, {"baseline", config, "--out", "out"});
  ASSERT_EQ(untrained.status, 0) << untrained.out << untrained.err;
  EXPECT_NE(untrained.out.find("note: [model] init_from is empty"), std::string::npos) << untrained.out;
}

TEST(CliBaseline, DrawsTheMisclassifiedTestImages) {
  testing::TempDir dir;
  write_shades(dir);
  // Random labels: the trees cannot be right about every test image.
  const std::string config = write_text(dir, "trees.toml", std::string(kShadesCnn) + "[baseline]\nrounds = 5\n");
  const auto result = run_nnlab(dir, {"baseline", config, "--set", "data.random_labels=true"});
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const std::filesystem::path folder = testing::run_folder_of(dir, result);
  EXPECT_TRUE(std::filesystem::exists(folder / "plots" / "misclassified.png"));
  EXPECT_TRUE(std::filesystem::exists(folder / "plots" / "misclassified.svg"));
  EXPECT_NE(read_text(folder / "probes.jsonl").find("\"misclassified\""), std::string::npos);
}

TEST(CliBaseline, RefusesAnUnknownKeyNamingIt) {
  testing::TempDir dir;
  const std::string text = std::string(kBlobs) + "round = 5\n";  // line 12
  const auto result = run_nnlab(dir, {"baseline", write_text(dir, "typo.toml", text), "--out", "out"});
  expect_one_line_error(result,
                        {"nnlab: ", "typo.toml:12: unknown key 'round' in [baseline]", "did you mean 'rounds'?"});
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST(CliBaseline, RefusesBadValuesAndDataBeforeAnyWork) {
  testing::TempDir dir;
  const std::string config = write_text(dir, "blobs.toml", kBlobs);
  expect_one_line_error(run_nnlab(dir, {"baseline", config, "--out", "out", "--set", "baseline.rounds=0"}),
                        {"--set baseline.rounds=0: [baseline] rounds: expected an integer >= 1, got 0"});
  // XGBoost took max_depth = 2^63 - 1 for a string it could not parse, after the run folder was made.
  expect_one_line_error(
      run_nnlab(dir, {"baseline", config, "--out", "out", "--set", "baseline.max_depth=9223372036854775807"}),
      {"[baseline] max_depth: expected an integer >= 1 and <= 2147483647, got 9223372036854775807"});
  expect_one_line_error(run_nnlab(dir, {"baseline", config, "--out", "out", "--set", "baseline.threads=100000"}),
                        {"[baseline] threads: expected an integer >= 0 and <= 4096, got 100000"});
  expect_one_line_error(run_nnlab(dir, {"baseline", config, "--out", "out", "--set", "baseline.method=trees"}),
                        {"[baseline] method: expected one of"});
  expect_one_line_error(run_nnlab(dir, {"baseline", config, "--out", "out", "--set", "optim.lrr=1"}),
                        {"unknown key 'lrr' in [optim]"});
  expect_one_line_error(run_nnlab(dir, {"baseline", config, "--out", "out", "--set", "data.dataset=function"}),
                        {"expected a classification dataset", "'function' is regression"});
  expect_one_line_error(run_nnlab(dir, {"baseline", config, "--out", "out", "--set",
                                        "baseline.method=logistic_features", "--set", "model.type=perceptron"}),
                        {"method = \"logistic_features\" needs a model with a final Linear layer", "'perceptron' has none"});
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

}  // namespace
}  // namespace nnlab
