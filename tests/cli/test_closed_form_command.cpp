// `nnlab closed-form` end to end: its run-like folder and table, the comparison with `nnlab train`
// on the same config, the underdetermined note, and the refusal of a feature count too large.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/nnlab_runner.h"

namespace nnlab {
namespace {

using testing::read_lines;
using testing::read_text;
using testing::run_nnlab;
using testing::write_text;

// E5 in small: 3 map clusters, MSE on one-hot targets, a network of 8 units x (1 - x) trained
// full batch in float64, so that each epoch's train loss is the network's loss at one point.
constexpr const char* kQuadraticMap = R"(name = "e5-tiny"
[data]
dataset = "map"
samples = 300
classes = 3
[model]
hidden = [8]
activation = "quadratic"
dtype = "float64"
[optim]
name = "adam"
lr = 0.05
[train]
loss = "mse"
epochs = 20
batch_size = 300
)";

nlohmann::json summary_of(const std::filesystem::path& folder) {
  return nlohmann::json::parse(read_text(folder / "summary.json"));
}

// A CSV of `rows` examples of `inputs` numeric columns and a class label 0 / 1.
std::string csv_of(int rows, int inputs) {
  std::string text;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < inputs; ++c) {
      text += std::to_string((r * 7 + c * 3) % 11);
      text += ',';
    }
    text += std::to_string(r % 2);
    text += '\n';
  }
  return text;
}

TEST(CliClosedForm, WritesItsFolderAndTable) {
  testing::TempDir dir;
  const auto result = run_nnlab(dir, {"closed-form", write_text(dir, "e5.toml", kQuadraticMap), "--out", "out"});
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("least squares on 6 quadratic features of 2 inputs, 3 outputs (loss = mse)"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("| train |      210 |"), std::string::npos) << result.out;  // 300 - 30 val - 60 test
  EXPECT_NE(result.out.find("rank 6 of 6 features"), std::string::npos) << result.out;
  const std::filesystem::path folder = testing::run_folder_of(dir, result);
  EXPECT_TRUE(folder.parent_path().filename() == "out") << folder;
  EXPECT_TRUE(folder.filename().string().starts_with("e5-tiny-closed-form-")) << folder;
  for (const char* file : {"config.toml", "summary.json", "results.csv", "weights.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(folder / file)) << file;
  }
  const nlohmann::json summary = summary_of(folder);
  EXPECT_EQ(summary["features"], 6);
  EXPECT_EQ(summary["inputs"], 2);
  EXPECT_EQ(summary["outputs"], 3);
  EXPECT_EQ(summary["underdetermined"], false);
  EXPECT_GT(summary["final"]["train"]["loss"].get<double>(), 0.0);
  EXPECT_GT(summary["final"]["test"]["accuracy"].get<double>(), 1.0 / 3);
  const auto results = read_lines(folder / "results.csv");
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0], "split,examples,loss,accuracy");
  EXPECT_TRUE(results[1].starts_with("train,210,")) << results[1];
  const auto weights = read_lines(folder / "weights.csv");
  ASSERT_EQ(weights.size(), 7u);  // header + 6 features
  EXPECT_EQ(weights[0], "feature,out0,out1,out2");
  EXPECT_TRUE(weights[5].starts_with("x1*x2,")) << weights[5];
}

TEST(CliClosedForm, BoundsTheTrainedNetworkOnTheSameConfig) {
  testing::TempDir dir;
  const std::string config = write_text(dir, "e5.toml", kQuadraticMap);
  const auto closed = run_nnlab(dir, {"closed-form", config});
  ASSERT_EQ(closed.status, 0) << closed.out << closed.err;
  const auto folder = testing::train_ok(dir, kQuadraticMap);
  const double closed_loss = summary_of(testing::run_folder_of(dir, closed))["final"]["train"]["loss"];
  const double trained_loss = summary_of(folder)["final"]["train"]["loss"];
  EXPECT_LE(closed_loss, trained_loss);
  EXPECT_EQ(summary_of(folder)["dataset"]["train"], 210);  // the same split as the closed form's
}

TEST(CliClosedForm, SaysWhenTheFitIsUnderdetermined) {
  testing::TempDir dir;
  write_text(dir, "few.csv", csv_of(12, 4));  // 4 inputs: 15 features for 12 - 1 - 2 = 9 training rows
  const auto result =
      run_nnlab(dir, {"closed-form", write_text(dir, "few.toml",
                                                "[data]\ndataset = \"csv\"\npath = \"few.csv\"\n[train]\nloss = "
                                                "\"mse\"\n")});
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("note: 15 features > 9 training examples: the minimum-norm fit"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("note: the network this fit bounds is an mlp with one hidden layer"), std::string::npos);
  EXPECT_EQ(summary_of(testing::run_folder_of(dir, result))["underdetermined"], true);
}

TEST(CliClosedForm, RefusesTooManyFeaturesNamingTheCount) {
  testing::TempDir dir;
  write_text(dir, "wide.csv", csv_of(30, 200));  // D = 200: 201 · 202 / 2 = 20,301 features
  const auto result =
      run_nnlab(dir, {"closed-form", write_text(dir, "wide.toml", "[data]\ndataset = \"csv\"\npath = \"wide.csv\"\n"),
                      "--out", "out"});
  EXPECT_EQ(result.status, 2) << result.out << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  for (const char* fragment : {"nnlab: [data] dataset 'csv'", "20301 quadratic features", "D = 200", "at most 20000"}) {
    EXPECT_NE(result.err.find(fragment), std::string::npos) << "stderr lacks \"" << fragment << "\": " << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));  // refused before any folder is made
}

}  // namespace
}  // namespace nnlab
