// What the lab adds to a run folder: probe records, plots, report.html, TensorBoard events and
// snapshots; `nnlab report` and `nnlab analyze pca` on finished runs; probe config errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/nnlab_runner.h"
#include "nnlab/core/rng.h"
#include "nnlab/data/idx_file.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/tensor/creation.h"

namespace nnlab {
namespace {

using testing::read_lines;
using testing::read_text;
using testing::run_nnlab;
using testing::train_ok;
using testing::write_text;

constexpr const char* kEveryPlaneProbe = R"(name = "probed"
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
log_steps = true
[probes]
grad_norms = true
weight_norms = true
snapshots = { every = 5 }
sensitivity = true
decision_boundary = { resolution = 30 }
confusion = true
true_class_probability = true
)";

std::set<std::string> tags_in(const std::filesystem::path& file, const char* field) {
  std::set<std::string> tags;
  for (const std::string& line : read_lines(file)) tags.insert(nlohmann::json::parse(line)[field].get<std::string>());
  return tags;
}

void expect_plots(const std::filesystem::path& folder, const std::vector<std::string>& stems) {
  for (const std::string& stem : stems) {
    for (const char* extension : {".png", ".svg"}) {
      const auto file = folder / "plots" / (stem + extension);
      EXPECT_TRUE(std::filesystem::is_regular_file(file) && std::filesystem::file_size(file) > 1000) << file;
    }
  }
}

TEST(CliLab, EveryProbeOnLeavesRecordsPlotsReportTensorBoardAndSnapshots) {
  testing::TempDir dir;
  const auto folder = train_ok(dir, kEveryPlaneProbe);
  ASSERT_FALSE(folder.empty());
  const std::set<std::string> tags = tags_in(folder / "metrics.jsonl", "tag");
  // The MLP is Flatten, Linear, ReLU, Linear: its layers are "1" and "3".
  for (const char* tag : {"grad_norm/total", "grad_norm/1.weight", "grad_norm/layer/1", "grad_norm/first_to_last_ratio",
                          "weight_norm/total", "sensitivity/test", "step/loss", "val/accuracy"}) {
    EXPECT_TRUE(tags.contains(tag)) << tag;
  }
  EXPECT_NE(read_text(folder / "metrics.csv").find("\ngrad_norm/total,1,1,"), std::string::npos);
  const std::set<std::string> kinds = tags_in(folder / "probes.jsonl", "kind");
  EXPECT_EQ(kinds, (std::set<std::string>{"heatmap", "histogram", "snapshot"}));
  const std::set<std::string> probe_tags = tags_in(folder / "probes.jsonl", "tag");
  for (const char* tag : {"confusion", "decision_boundary", "true_class_probability/correct", "weights"}) {
    EXPECT_TRUE(probe_tags.contains(tag)) << tag;
  }
  // 7 steps per epoch: snapshots at steps 0, 5, 10 and the end (14).
  std::set<std::string> snapshots;
  for (const auto& entry : std::filesystem::directory_iterator(folder / "snapshots"))
    snapshots.insert(entry.path().filename());
  EXPECT_EQ(snapshots, (std::set<std::string>{"weights-00000000.safetensors", "weights-00000005.safetensors",
                                              "weights-00000010.safetensors", "weights-00000014.safetensors"}));
  expect_plots(folder,
               {"loss", "accuracy", "step_loss", "grad_norm", "grad_norm_by_layer", "grad_norm_and_loss", "weight_norm",
                "sensitivity", "snapshots_accuracy", "decision_boundary", "confusion", "true_class_probability"});
  const std::string report = read_text(folder / "report.html");
  EXPECT_NE(report.find("Chart.js v3"), std::string::npos);
  EXPECT_NE(report.find("data:image/png;base64,"), std::string::npos);
  const auto run = nlohmann::json::parse(read_text(folder / "run.json"));
  EXPECT_EQ(run["command"], "nnlab train " + dir.file("config.toml"));
  EXPECT_EQ(run["seed"], 0);
  EXPECT_TRUE(run["libraries"].contains("oneDNN"));
  EXPECT_NE(read_text(folder / "model.txt").find("Linear"), std::string::npos);
  std::vector<std::filesystem::path> events;
  for (const auto& entry : std::filesystem::directory_iterator(folder / "tb")) events.push_back(entry.path());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].filename().string().starts_with("events.out.tfevents."));
  EXPECT_GT(std::filesystem::file_size(events[0]), 1000u);
}

// 40 training and 20 test images of noise, labels 0..9: a model cannot learn them.
void write_noise_mnist(const testing::TempDir& dir) {
  std::filesystem::create_directories(dir.path() / "mnist");
  Rng rng(1);
  for (const auto& [prefix, n] : {std::pair{"train", 40}, std::pair{"t10k", 20}}) {
    std::vector<double> labels(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<double>(i % 10);
    const std::string base = dir.file(std::string("mnist/") + prefix);
    data::write_idx_u8(base + "-images-idx3-ubyte", uniform({n, 28, 28}, 0, 255, rng, DType::f64), false);
    data::write_idx_u8(base + "-labels-idx1-ubyte", Tensor::from_doubles(labels, {n}, DType::f64), false);
  }
}

TEST(CliLab, ImageProbesDrawMisclassifiedExamplesAndWeightRows) {
  testing::TempDir dir;
  write_noise_mnist(dir);
  const auto folder = train_ok(dir, R"([data]
dataset = "mnist"
path = "mnist"
validation = 5
[model]
type = "logistic"
[train]
epochs = 1
tensorboard = false
[probes]
misclassified = { count = 6 }
weight_images = true
)");
  ASSERT_FALSE(folder.empty());
  EXPECT_EQ(tags_in(folder / "probes.jsonl", "tag"), (std::set<std::string>{"misclassified", "weight_images"}));
  expect_plots(folder, {"misclassified", "weight_images"});
  EXPECT_FALSE(std::filesystem::exists(folder / "tb"));  // [train] tensorboard = false
}

TEST(CliLab, ReportRebuildsPlotsAndPageFromTheFolder) {
  testing::TempDir dir;
  const auto folder = train_ok(dir, kEveryPlaneProbe, {"--set", "train.epochs=1"});
  ASSERT_FALSE(folder.empty());
  std::filesystem::remove_all(folder / "plots");
  std::filesystem::remove(folder / "report.html");
  const testing::CommandResult result = run_nnlab(dir, {"report", folder.string()});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("report: "), std::string::npos) << result.out;
  expect_plots(folder, {"loss", "confusion", "decision_boundary"});
  EXPECT_TRUE(std::filesystem::is_regular_file(folder / "report.html"));
  const testing::CommandResult missing = run_nnlab(dir, {"report", "no-such-run"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("no-such-run"), std::string::npos) << missing.err;
}

TEST(CliLab, AnalyzePcaDrawsTheTrajectoriesOfSeveralRuns) {
  testing::TempDir dir;
  const auto first = train_ok(dir, kEveryPlaneProbe, {"--out", "a"});
  const auto second = train_ok(dir, kEveryPlaneProbe, {"--out", "b", "--seed", "1"});
  const testing::CommandResult result =
      run_nnlab(dir, {"analyze", "pca", first.string(), second.string(), "--out", "pca"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("8 snapshots of 2 run(s)"), std::string::npos) << result.out;
  const auto csv = read_lines(dir.path() / "pca" / "pca.csv");
  ASSERT_EQ(csv.size(), 9u);
  EXPECT_EQ(csv[0], "run,step,epoch,pc1,pc2,loss,accuracy,weight_norm");
  for (const char* file : {"pca.png", "weight_norm_loss.png"}) {
    EXPECT_TRUE(std::filesystem::file_size(dir.path() / "pca" / file) > 1000) << file;
  }
  EXPECT_TRUE(std::filesystem::is_regular_file(dir.path() / "pca" / "pca.svg"));
  // weight_norm is the L2 norm of every tensor of the snapshot file, summed here in long double.
  const io::RunRecords records = io::read_run_records(first);
  ASSERT_EQ(records.snapshots.size(), 4u);
  for (std::size_t i = 0; i < records.snapshots.size(); ++i) {
    long double squares = 0;
    for (const auto& [name, tensor] : io::load_safetensors((first / records.snapshots[i].file).string()).tensors) {
      for (float v : tensor.to_vector<float>()) squares += static_cast<long double>(v) * v;
    }
    const std::string row = csv[1 + i];
    ASSERT_TRUE(row.starts_with(first.filename().string() + ",")) << row;
    EXPECT_NEAR(std::stod(row.substr(row.rfind(',') + 1)), static_cast<double>(std::sqrt(squares)), 1e-9) << row;
  }

  const auto plain = train_ok(dir, "[data]\ndataset = \"map\"\nsamples = 100\n[train]\nepochs = 1\n", {"--out", "c"});
  const testing::CommandResult refused = run_nnlab(dir, {"analyze", "pca", plain.string()});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("holds no weight snapshots"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("[probes] snapshots = true"), std::string::npos) << refused.err;
}

TEST(CliLab, ProbeConfigErrorsStopBeforeTraining) {
  testing::TempDir dir;
  const testing::CommandResult unknown =
      run_nnlab(dir, {"train", write_text(dir, "a.toml", "[probes]\ngradnorms = true\n")});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("a.toml:2: unknown key 'gradnorms' in [probes]"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("did you mean 'grad_norms'?"), std::string::npos) << unknown.err;

  write_noise_mnist(dir);
  const testing::CommandResult plane = run_nnlab(
      dir, {"train", write_text(dir, "b.toml", "[data]\ndataset = \"mnist\"\npath = \"mnist\"\nvalidation = 5\n"),
            "--set", "probes.decision_boundary=true"});
  EXPECT_EQ(plane.status, 2);
  EXPECT_NE(plane.err.find("[probes] decision_boundary: needs examples of 2 features"), std::string::npos) << plane.err;
  EXPECT_NE(plane.err.find("[1, 28, 28]"), std::string::npos) << plane.err;
  EXPECT_EQ(plane.out.find("epoch 1/"), std::string::npos) << plane.out;  // no training started
}

}  // namespace
}  // namespace nnlab
