// The probes: when they record, under which tags, and that their numbers equal an independent
// computation written here (the analysis functions they call are checked in tests/analysis/).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "nnlab/core/error.h"
#include "nnlab/core/rng.h"
#include "nnlab/data/split.h"
#include "nnlab/data/synthetic.h"
#include "nnlab/nn/builders.h"
#include "nnlab/nn/flatten.h"
#include "nnlab/optim/sgd.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/train/evaluate.h"
#include "nnlab/train/probes/evaluation_probes.h"
#include "nnlab/train/probes/norm_probes.h"
#include "nnlab/train/probes/snapshot_probe.h"
#include "nnlab/train/trainer.h"
#include "testing/asserts.h"

namespace nnlab {
namespace {

// Keeps every record; tensors are copied, since the probe hands over live parameters.
struct Sink final : train::MetricsSink {
  std::map<std::string, std::vector<train::ScalarRecord>> scalars;
  std::vector<train::HistogramRecord> histograms;
  std::vector<train::HeatmapRecord> heatmaps;
  std::vector<train::ImageRecord> images;
  std::vector<train::TensorsRecord> snapshots;
  void write(const train::ScalarRecord& r) override { scalars[r.tag].push_back(r); }
  void write(const train::HistogramRecord& r) override { histograms.push_back(r); }
  void write(const train::HeatmapRecord& r) override { heatmaps.push_back(r); }
  void write(const train::ImageRecord& r) override { images.push_back(r); }
  void write(const train::TensorsRecord& r) override {
    train::TensorsRecord copy = r;
    for (auto& [name, tensor] : copy.tensors) tensor = to_dtype(tensor, DType::f64);
    snapshots.push_back(copy);
  }
};

// sqrt(sum of squares) in a plain loop.
double naive_norm(const Tensor& t) {
  const Tensor values = to_dtype(t, DType::f64);
  double sum = 0;
  for (std::int64_t i = 0; i < values.numel(); ++i) sum += values.data<double>()[i] * values.data<double>()[i];
  return std::sqrt(sum);
}

struct SmallRun {
  data::Splits parts = data::split(data::blobs(240, /*seed=*/1, /*classes=*/3), data::SplitCounts{160, 40, 40}, 0);
  Rng rng{3};
  std::shared_ptr<nn::Sequential> model = nn::mlp({.in_features = 2, .hidden = {6, 5}, .out_features = 3, .rng = &rng});
  optim::SGD sgd{model->parameters(), {.lr = 0.1}};
  train::Objective objective = train::make_objective("auto", data::Task::classification, 3);
  Sink sink;
  train::Trainer trainer;
  explicit SmallRun(std::int64_t epochs) : trainer(*model, sgd, objective, {.epochs = epochs}) {
    trainer.metrics().add_sink(sink);
  }
  train::TrainResult fit(std::int64_t batch_size = 40) {
    data::DataLoader loader(parts.train, {.batch_size = batch_size, .seed = 0, .prefetch = false});
    return trainer.fit(loader, parts.val, parts.test);
  }
  train::ProbeData test() { return {.dataset = &parts.test, .split = "test"}; }
};

TEST(GradNormProbe, RecordsEveryNthStepTheNormsOfTheGradients) {
  SmallRun s(/*epochs=*/2);  // 4 steps per epoch
  // Runs before the probe on each step and computes the norms it must record.
  struct Expected final : train::Callback {
    std::map<std::int64_t, std::map<std::string, double>> at_step;
    void on_step(const train::StepInfo& step) override {
      double total = 0;
      for (const auto& [name, parameter] : step.model->named_parameters()) {
        const double norm = naive_norm(parameter.grad());
        at_step[step.step][name] = norm;
        total += norm * norm;
      }
      at_step[step.step]["total"] = std::sqrt(total);
    }
  } expected;
  train::GradNormProbe probe(s.trainer.metrics(), /*every=*/3);
  s.trainer.add_callback(expected);
  s.trainer.add_callback(probe);
  s.fit();
  const auto& first = s.sink.scalars["grad_norm/0.weight"];
  ASSERT_EQ(first.size(), 3u);  // steps 1, 4, 7
  for (std::size_t i = 0; i < first.size(); ++i) {
    const std::int64_t step = 1 + 3 * static_cast<std::int64_t>(i);
    EXPECT_EQ(first[i].step, step);
    EXPECT_NEAR(first[i].value, expected.at_step[step]["0.weight"], 1e-6);
    EXPECT_NEAR(s.sink.scalars["grad_norm/total"][i].value, expected.at_step[step]["total"], 1e-6);
    // Layer "0" holds 0.weight and 0.bias; the ratio is first layer over last layer (4).
    const double first_layer = std::hypot(expected.at_step[step]["0.weight"], expected.at_step[step]["0.bias"]);
    const double last_layer = std::hypot(expected.at_step[step]["4.weight"], expected.at_step[step]["4.bias"]);
    EXPECT_NEAR(s.sink.scalars["grad_norm/layer/0"][i].value, first_layer, 1e-6);
    EXPECT_NEAR(s.sink.scalars["grad_norm/first_to_last_ratio"][i].value, first_layer / last_layer, 1e-5);
  }
  // Gradient histograms at each epoch's last step, one per parameter.
  ASSERT_EQ(s.sink.histograms.size(), 2u * 6u);
  EXPECT_EQ(s.sink.histograms[0].tag, "gradients/0.weight");
  EXPECT_EQ(s.sink.histograms[0].step, 4);
  EXPECT_EQ(s.sink.histograms[0].count, 12);  // 6 x 2 weights
}

TEST(WeightNormProbe, RecordsTheWeightsNormsBeforeTrainingAndAfterEachEpoch) {
  SmallRun s(/*epochs=*/2);
  const double initial = naive_norm(s.model->named_parameters()[0].second);
  train::WeightNormProbe probe(s.trainer.metrics(), *s.model);
  s.trainer.add_callback(probe);
  s.fit();
  const auto& records = s.sink.scalars["weight_norm/0.weight"];
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].epoch, 0);
  EXPECT_NEAR(records[0].value, initial, 1e-6);
  EXPECT_EQ(records[2].epoch, 2);
  EXPECT_EQ(records[2].step, 8);
  EXPECT_NEAR(records[2].value, naive_norm(s.model->named_parameters()[0].second), 1e-6);
  double total = 0;
  for (const auto& [name, parameter] : s.model->named_parameters()) total += std::pow(naive_norm(parameter), 2);
  EXPECT_NEAR(s.sink.scalars["weight_norm/total"].back().value, std::sqrt(total), 1e-6);
}

TEST(SnapshotProbe, TakesTheWeightsAtStepZeroEveryNStepsAndAtTheEnd) {
  SmallRun s(/*epochs=*/2);
  const Tensor initial = to_dtype(s.model->named_parameters()[0].second, DType::f64);
  train::SnapshotProbe probe(s.trainer.metrics(), *s.model, s.objective, {.every = 3, .evaluate = s.test()});
  s.trainer.add_callback(probe);
  s.fit();
  std::vector<std::int64_t> steps;
  for (const auto& snapshot : s.sink.snapshots) steps.push_back(snapshot.step);
  EXPECT_EQ(steps, (std::vector<std::int64_t>{0, 3, 6, 8}));
  expect_close(s.sink.snapshots[0].tensors[0].second, initial, Tol::f64());
  expect_close(s.sink.snapshots.back().tensors[0].second, to_dtype(s.model->named_parameters()[0].second, DType::f64),
               Tol::f64());
  const train::Evaluation final = train::evaluate(*s.model, s.parts.test, s.objective, 1000);
  const auto& info = s.sink.snapshots.back().info;
  ASSERT_EQ(info.size(), 2u);
  EXPECT_EQ(info[0].first, "loss");
  EXPECT_NEAR(info[0].second, final.loss, 1e-9);
  EXPECT_NEAR(info[1].second, final.accuracy, 1e-12);
}

// Counts the epochs EpochProbe asks it to record.
struct CountingProbe final : train::EpochProbe {
  using EpochProbe::EpochProbe;
  std::vector<std::int64_t> epochs;
  void record(std::int64_t epoch, std::int64_t /*step*/) override { epochs.push_back(epoch); }
};

TEST(EpochProbe, RecordsEveryNEpochsAndAfterTheLast) {
  for (const auto& [every, expected] :
       {std::pair<std::int64_t, std::vector<std::int64_t>>{2, {2, 4, 5}}, {0, {5}}, {1, {1, 2, 3, 4, 5}}}) {
    SmallRun s(/*epochs=*/5);
    CountingProbe probe(s.trainer.metrics(), *s.model, every);
    s.trainer.add_callback(probe);
    s.fit(/*batch_size=*/160);
    EXPECT_EQ(probe.epochs, expected) << "every " << every;
  }
}

TEST(EpochProbe, RecordsNothingForADivergedRun) {
  const data::Dataset train = data::function_regression(64, /*seed=*/0);
  Rng rng(5);
  auto model = nn::mlp({.in_features = 1, .hidden = {8}, .out_features = 1, .rng = &rng});
  optim::SGD sgd(model->parameters(), {.lr = 1e6});
  train::Trainer trainer(*model, sgd, train::make_objective("mse", data::Task::regression, 0), {.epochs = 50});
  CountingProbe probe(trainer.metrics(), *model, 0);
  trainer.add_callback(probe);
  data::DataLoader loader(train, {.batch_size = 8, .seed = 0});
  ASSERT_TRUE(trainer.fit(loader, {}, {}).diverged());
  EXPECT_TRUE(probe.epochs.empty());
}

TEST(ConfusionProbe, CountsEachTrueAndPredictedClassPair) {
  SmallRun s(/*epochs=*/1);
  train::ConfusionProbe probe(s.trainer.metrics(), *s.model, s.test(), 0);
  s.trainer.add_callback(probe);
  s.fit();
  ASSERT_EQ(s.sink.heatmaps.size(), 1u);
  const train::HeatmapRecord& h = s.sink.heatmaps[0];
  EXPECT_EQ(h.tag, "confusion");
  ASSERT_EQ(h.rows, 3);
  // The model's arg max on each test example, counted here.
  std::vector<double> counts(9, 0.0);
  s.model->eval();
  const Tensor outputs = to_dtype((*s.model)(s.parts.test.inputs), DType::f64);
  for (std::int64_t i = 0; i < s.parts.test.size(); ++i) {
    std::int64_t best = 0;
    for (std::int64_t c = 1; c < 3; ++c) {
      if (outputs.data<double>()[i * 3 + c] > outputs.data<double>()[i * 3 + best]) best = c;
    }
    counts[static_cast<std::size_t>(s.parts.test.targets.data<std::int64_t>()[i] * 3 + best)] += 1;
  }
  EXPECT_EQ(h.values, counts);
  EXPECT_EQ(h.y_title, "true class");
}

TEST(TrueClassProbabilityProbe, SplitsExamplesIntoCorrectAndIncorrectHistograms) {
  SmallRun s(/*epochs=*/1);
  train::TrueClassProbabilityProbe probe(s.trainer.metrics(), *s.model, s.test(), analysis::OutputProbability::softmax,
                                         /*buckets=*/10, 0);
  s.trainer.add_callback(probe);
  s.fit();
  ASSERT_EQ(s.sink.histograms.size(), 2u);
  const auto total = [](const train::HistogramRecord& h) {
    double sum = 0;
    for (double c : h.counts) sum += c;
    return sum;
  };
  EXPECT_EQ(s.sink.histograms[0].tag, "true_class_probability/correct");
  EXPECT_EQ(s.sink.histograms[0].edges.size(), 11u);
  EXPECT_EQ(s.sink.histograms[0].edges.back(), 1.0);
  const train::Evaluation evaluation = train::evaluate(*s.model, s.parts.test, s.objective, 1000);
  EXPECT_NEAR(total(s.sink.histograms[0]), evaluation.accuracy * 40, 1e-9);
  EXPECT_NEAR(total(s.sink.histograms[0]) + total(s.sink.histograms[1]), 40, 1e-9);
}

TEST(DecisionBoundaryProbe, DrawsTheClassesOverThePlaneWithThePointsOnTop) {
  SmallRun s(/*epochs=*/1);
  train::DecisionBoundaryProbe probe(s.trainer.metrics(), *s.model, s.test(), /*resolution=*/16, 0);
  s.trainer.add_callback(probe);
  s.fit();
  ASSERT_EQ(s.sink.heatmaps.size(), 1u);
  const train::HeatmapRecord& h = s.sink.heatmaps[0];
  EXPECT_EQ(h.rows * h.cols, 256);
  EXPECT_TRUE(h.categorical);
  ASSERT_TRUE(h.extent.has_value());
  EXPECT_EQ(h.points.size(), 40u);
  // The grid's bottom-left cell is the model's class at (x_min, y_min).
  s.model->eval();
  const Tensor corner = Tensor::from_doubles({h.extent->x_min, h.extent->y_min}, {1, 2}, DType::f32);
  const Tensor out = to_dtype((*s.model)(corner), DType::f64);
  std::int64_t best = 0;
  for (std::int64_t c = 1; c < 3; ++c) best = out.data<double>()[c] > out.data<double>()[best] ? c : best;
  EXPECT_EQ(h.values[0], static_cast<double>(best));
}

TEST(Probes, RefuseDataTheyCannotApplyTo) {
  SmallRun s(/*epochs=*/1);
  data::Dataset images = data::blobs(20, 1, 2);
  images.inputs = Tensor::zeros({20, 1, 4, 4});
  expect_throw_with<ConfigError>(
      [&] { train::DecisionBoundaryProbe(s.trainer.metrics(), *s.model, {.dataset = &images, .split = "test"}, 8, 0); },
      "[probes] decision_boundary: needs examples of 2 features (points of the plane), but the data's examples are "
      "[1, 4, 4]");
  expect_throw_with<ConfigError>([&] { train::MisclassifiedProbe(s.trainer.metrics(), *s.model, s.test(), 4, 0); },
                                 "[probes] misclassified: needs images (C, H, W)");
  expect_throw_with<ConfigError>(
      [&] {
        train::WeightImagesProbe(s.trainer.metrics(), *s.model, Shape({1, 4, 4}), {}, 0);
      },
      "the first linear layer '0.weight' has 2 inputs per row, not the 16 values of an image [1, 4, 4]");
}

TEST(ImageProbes, ShowMisclassifiedExamplesAndWeightRows) {
  // 4x4 grey images of two classes that a linear model cannot all get right after one step.
  data::Dataset images = data::blobs(32, 1, 2);
  Rng draw(4);
  images.inputs = normal({32, 1, 4, 4}, 0.0, 1.0, draw);
  Rng rng(7);
  auto model = nn::mlp({.in_features = 16, .hidden = {}, .out_features = 2, .rng = &rng});
  auto flat = std::make_shared<nn::Sequential>();
  flat->push_back(std::make_shared<nn::Flatten>());
  for (const auto& layer : model->layers()) flat->push_back(layer);
  optim::SGD sgd(flat->parameters(), {.lr = 0.01});
  train::Trainer trainer(*flat, sgd, train::make_objective("auto", data::Task::classification, 2), {.epochs = 1});
  Sink sink;
  trainer.metrics().add_sink(sink);
  train::MisclassifiedProbe misclassified(trainer.metrics(), *flat, {.dataset = &images, .split = "test"}, 3, 0);
  train::WeightImagesProbe weights(trainer.metrics(), *flat, Shape({1, 4, 4}), {"zero", "one"}, 0);
  trainer.add_callback(misclassified);
  trainer.add_callback(weights);
  data::DataLoader loader(images, {.batch_size = 32, .seed = 0, .prefetch = false});
  trainer.fit(loader, {}, {});
  ASSERT_EQ(sink.images.size(), 2u);
  EXPECT_EQ(sink.images[0].tag, "misclassified");
  ASSERT_FALSE(sink.images[0].images.empty());
  EXPECT_LE(sink.images[0].images.size(), 3u);
  EXPECT_EQ(sink.images[0].images[0].height, 4);
  EXPECT_NE(sink.images[0].images[0].caption.find(" / "), std::string::npos);  // "#3 1 / 0": true / predicted
  EXPECT_EQ(sink.images[1].tag, "weight_images");
  ASSERT_EQ(sink.images[1].images.size(), 2u);
  EXPECT_EQ(sink.images[1].images[1].caption, "one");
  EXPECT_EQ(sink.images[1].images[1].pixels.size(), 16u);
}

}  // namespace
}  // namespace nnlab
