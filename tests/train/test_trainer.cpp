#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <sstream>

#include "nnlab/core/error.h"
#include "nnlab/core/interrupt.h"
#include "nnlab/core/rng.h"
#include "nnlab/data/split.h"
#include "nnlab/data/synthetic.h"
#include "nnlab/nn/builders.h"
#include "nnlab/optim/adam.h"
#include "nnlab/optim/sgd.h"
#include "nnlab/train/progress.h"
#include "nnlab/train/trainer.h"
#include "testing/asserts.h"

namespace nnlab {
namespace {

// Counts what a Trainer tells its callbacks, and checks gradients exist at on_step.
struct Recorder final : train::Callback {
  int begins = 0, epoch_begins = 0, steps = 0, epoch_ends = 0, ends = 0;
  bool grads_present = true;
  std::vector<double> lrs;
  void on_train_begin(std::int64_t, std::int64_t) override { ++begins; }
  void on_epoch_begin(std::int64_t, std::int64_t) override { ++epoch_begins; }
  void on_step(const train::StepInfo& step) override {
    ++steps;
    for (const Tensor& p : step.model->parameters()) grads_present = grads_present && p.grad().defined();
  }
  void on_epoch_end(const train::EpochMetrics& metrics) override {
    ++epoch_ends;
    lrs.push_back(metrics.get("lr"));
  }
  void on_train_end(const train::TrainResult&) override { ++ends; }
};

// One draw of three blobs (the seed picks the centres), split 200 / 60 / 60.
struct Blobs {
  data::Splits parts = data::split(data::blobs(320, /*seed=*/1, /*classes=*/3), data::SplitCounts{200, 60, 60}, 0);
  data::Dataset& train = parts.train;
  data::Dataset& val = parts.val;
  data::Dataset& test = parts.test;
};

std::shared_ptr<nn::Sequential> small_mlp(std::int64_t in, std::int64_t out) {
  static Rng rng(5);
  return nn::mlp({.in_features = in, .hidden = {8}, .out_features = out, .rng = &rng});
}

TEST(Trainer, LearnsSeparableBlobsAndCallsEveryHook) {
  Blobs d;
  auto model = small_mlp(2, 3);
  optim::Adam adam(model->parameters(), {.lr = 0.05});
  train::Trainer trainer(*model, adam, train::make_objective("auto", data::Task::classification, 3), {.epochs = 4});
  Recorder recorder;
  trainer.add_callback(recorder);
  data::DataLoader loader(d.train, {.batch_size = 20, .seed = 0});
  const train::TrainResult result = trainer.fit(loader, d.val, d.test);
  ASSERT_EQ(result.history.size(), 4u);
  EXPECT_EQ(result.stop_reason, train::StopReason::completed);
  EXPECT_EQ(result.steps, 40);  // 4 epochs of 200 / 20 batches
  EXPECT_EQ(result.history.back().step, 40);
  EXPECT_GT(result.history.back().get("test/accuracy"), 0.9);  // blobs 10 apart with stddev 1
  EXPECT_LT(result.history.back().get("train/loss"), result.history.front().get("train/loss"));
  EXPECT_EQ(recorder.begins, 1);
  EXPECT_EQ(recorder.epoch_begins, 4);
  EXPECT_EQ(recorder.steps, 40);
  EXPECT_EQ(recorder.epoch_ends, 4);
  EXPECT_EQ(recorder.ends, 1);
  EXPECT_TRUE(recorder.grads_present);
}

// Keeps every scalar record the stream hands it, and counts flushes.
struct ScalarSink final : train::MetricsSink {
  std::vector<train::ScalarRecord> records;
  int flushes = 0;
  void write(const train::ScalarRecord& record) override { records.push_back(record); }
  void flush() override { ++flushes; }
};

TEST(Trainer, RecordsEveryNumberInTheMetricsStream) {
  Blobs d;
  auto model = small_mlp(2, 3);
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  train::Trainer trainer(*model, sgd, train::make_objective("auto", data::Task::classification, 3),
                         {.epochs = 2, .record_steps = true});
  ScalarSink sink;
  trainer.metrics().add_sink(sink);
  data::DataLoader loader(d.train, {.batch_size = 100, .seed = 0});
  const train::TrainResult result = trainer.fit(loader, d.val, {});
  // Per step: step/loss and step/lr; per epoch: train, lr, val and the two timings.
  const std::vector<std::string> epoch_tags = {"train/loss",   "train/accuracy",     "lr",          "val/loss",
                                               "val/accuracy", "time/epoch_seconds", "time/seconds"};
  ASSERT_EQ(sink.records.size(), 2 * (2 * 2 + epoch_tags.size()));
  EXPECT_EQ(sink.records[0].tag, "step/loss");
  EXPECT_EQ(sink.records[0].step, 1);
  EXPECT_EQ(sink.records[1].tag, "step/lr");
  EXPECT_DOUBLE_EQ(sink.records[1].value, 0.1);
  for (std::size_t i = 0; i < epoch_tags.size(); ++i) {
    const train::ScalarRecord& record = sink.records[4 + i];
    EXPECT_EQ(record.tag, epoch_tags[i]);
    EXPECT_EQ(record.step, 2);
    EXPECT_EQ(record.epoch, 1);
    EXPECT_DOUBLE_EQ(record.value, result.history[0].get(epoch_tags[i]));
  }
  EXPECT_EQ(sink.flushes, 3);  // after each epoch and at the end
}

TEST(Trainer, StopsOnANonFiniteLossAndSaysWhere) {
  // Regression with a learning rate far past stability: the loss overflows within a few steps.
  const data::Dataset train = data::function_regression(64, /*seed=*/0);
  auto model = small_mlp(1, 1);
  optim::SGD sgd(model->parameters(), {.lr = 1e6});
  train::Trainer trainer(*model, sgd, train::make_objective("mse", data::Task::regression, 0), {.epochs = 50});
  data::DataLoader loader(train, {.batch_size = 8, .seed = 0});
  const train::TrainResult result = trainer.fit(loader, {}, {});
  EXPECT_TRUE(result.diverged());
  EXPECT_LT(result.history.size(), 50u);
  EXPECT_NE(result.message.find("loss became"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("last finite loss"), std::string::npos) << result.message;
  for (const auto& record : result.history) EXPECT_TRUE(std::isfinite(record.get("train/loss")));
}

// Ctrl-C arriving in epoch 2: the step in progress ends, no other starts, and the epoch is
// not reported as finished.
TEST(Trainer, InterruptStopsBetweenSteps) {
  struct InterruptAtStep final : train::Callback {
    std::int64_t at = 0, steps = 0;
    void on_step(const train::StepInfo& step) override {
      ++steps;
      if (step.step == at) request_interrupt(SIGINT);
    }
  };
  Blobs d;
  auto model = small_mlp(2, 3);
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  train::Trainer trainer(*model, sgd, train::make_objective("cross_entropy", data::Task::classification, 3),
                         {.epochs = 5});
  InterruptAtStep interrupter;
  interrupter.at = 6;  // batch 2 of the 4 batches of epoch 2
  trainer.add_callback(interrupter);
  data::DataLoader loader(d.train, {.batch_size = 50, .seed = 0});
  const train::TrainResult result = trainer.fit(loader, d.val, {});
  clear_interrupt();
  EXPECT_EQ(result.stop_reason, train::StopReason::interrupted);
  EXPECT_EQ(train::to_string(result.stop_reason), "interrupted");
  EXPECT_EQ(result.history.size(), 1u);
  EXPECT_EQ(result.steps, 6);
  EXPECT_EQ(interrupter.steps, 6);
  EXPECT_NE(result.message.find("interrupted by SIGINT (Ctrl-C) in epoch 2, after batch 2 of 4"), std::string::npos)
      << result.message;
}

TEST(Trainer, EarlyStoppingWaitsForPatienceEpochs) {
  Blobs d;
  auto model = small_mlp(2, 3);
  optim::SGD frozen(model->parameters(), {.lr = 1e-30});  // the validation loss cannot improve
  train::Trainer trainer(*model, frozen, train::make_objective("cross_entropy", data::Task::classification, 3),
                         {.epochs = 20, .early_stopping = 2});
  data::DataLoader loader(d.train, {.batch_size = 50, .seed = 0});
  const train::TrainResult result = trainer.fit(loader, d.val, {});
  EXPECT_EQ(result.stop_reason, train::StopReason::early_stopping);
  EXPECT_EQ(result.history.size(), 3u);  // epoch 1 sets the best, 2 and 3 do not beat it
  EXPECT_EQ(result.best_epoch, 1);
  EXPECT_FALSE(result.history.back().has("test/loss"));  // no test split given
}

TEST(Trainer, StepsAnEpochScheduleOncePerEpoch) {
  Blobs d;
  auto model = small_mlp(2, 3);
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  train::Schedule schedule;
  schedule.scheduler = std::make_unique<optim::StepLR>(sgd, /*step_size=*/1, /*gamma=*/0.5);
  train::Trainer trainer(*model, sgd, train::make_objective("auto", data::Task::classification, 3), {.epochs = 3},
                         std::move(schedule));
  Recorder recorder;
  trainer.add_callback(recorder);
  data::DataLoader loader(d.train, {.batch_size = 100, .seed = 0});
  trainer.fit(loader, {}, {});
  ASSERT_EQ(recorder.lrs.size(), 3u);
  EXPECT_DOUBLE_EQ(recorder.lrs[0], 0.1);
  EXPECT_DOUBLE_EQ(recorder.lrs[1], 0.05);
  EXPECT_DOUBLE_EQ(recorder.lrs[2], 0.025);
}

TEST(Trainer, ResumedEpochsSeeTheSameBatchOrder) {
  // Two epochs in one go, or epoch 2 alone with first_epoch = 2 from the same start: the same
  // weights after epoch 2 only if epoch 2's batches come in the same order, which the
  // loader's order stream guarantees. Checked through the order itself here.
  Blobs d;
  data::DataLoader straight(d.train, {.batch_size = 200, .seed = 9, .prefetch = false});
  straight.start_epoch();
  straight.start_epoch();
  const Tensor second = straight.next()->targets;
  data::DataLoader resumed(d.train, {.batch_size = 200, .seed = 9, .prefetch = false});
  auto model = small_mlp(2, 3);
  optim::SGD sgd(model->parameters(), {.lr = 0.0});
  struct FirstBatch final : train::Callback {
    Tensor targets;
    void on_step(const train::StepInfo& step) override {
      if (!targets.defined()) targets = step.inputs->targets;
    }
  } first;
  train::Trainer trainer(*model, sgd, train::make_objective("auto", data::Task::classification, 3),
                         {.epochs = 2, .first_epoch = 2});
  trainer.add_callback(first);
  trainer.fit(resumed, {}, {});
  expect_equal(first.targets, second);
}

TEST(Trainer, RejectsBadOptions) {
  auto model = small_mlp(2, 3);
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  const auto objective = train::make_objective("auto", data::Task::classification, 3);
  expect_throw_with<ValueError>([&] { train::Trainer(*model, sgd, objective, {.epochs = 0}); },
                                "epochs must be >= 1, got 0");
  expect_throw_with<ValueError>([&] { train::Trainer(*model, sgd, objective, {.early_stopping = -1}); },
                                "early_stopping must be >= 0, got -1");
}

TEST(Progress, PlainLinesOffATerminalAndABarOnOne) {
  Blobs d;
  for (const bool terminal : {false, true}) {
    auto model = small_mlp(2, 3);
    optim::SGD sgd(model->parameters(), {.lr = 0.1});
    train::Trainer trainer(*model, sgd, train::make_objective("auto", data::Task::classification, 3), {.epochs = 2});
    std::ostringstream out;
    train::ProgressReporter progress(out, terminal);
    trainer.add_callback(progress);
    data::DataLoader loader(d.train, {.batch_size = 10, .seed = 0});
    trainer.fit(loader, d.val, {});
    const std::string text = out.str();
    EXPECT_NE(text.find("epoch 1/2  train loss"), std::string::npos) << text;
    EXPECT_NE(text.find("epoch 2/2  train loss"), std::string::npos) << text;
    EXPECT_EQ(text.find('\r') != std::string::npos, terminal) << text;
    if (terminal) {
      EXPECT_NE(text.find("samples/s"), std::string::npos) << text;
    }
  }
}

}  // namespace
}  // namespace nnlab
