#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/error.h"
#include "nnlab/nn/linear.h"
#include "nnlab/train/evaluate.h"
#include "testing/asserts.h"

namespace nnlab {
namespace {

// A Linear layer with weights set by hand: scores = x · Wᵀ.
std::shared_ptr<nn::Linear> identity_scores() {
  auto layer = std::make_shared<nn::Linear>(nn::LinearOptions{.in_features = 2, .out_features = 2, .bias = false});
  float* w = layer->weight().data<float>();
  w[0] = 1, w[1] = 0, w[2] = 0, w[3] = 1;
  return layer;
}

data::Dataset two_by_two() {
  data::Dataset d;
  d.inputs = Tensor::from_doubles({3.0, 0.0, 0.0, 3.0, 3.0, 0.0}, {3, 2});
  d.targets = Tensor::from_doubles({0, 1, 1}, {3}, DType::i64);
  d.num_classes = 2;
  return d;
}

TEST(Evaluate, AccuracyAndMeanLossByHand) {
  auto model = identity_scores();
  const auto objective = train::make_objective("cross_entropy", data::Task::classification, 2);
  // rows 1 and 2 are right with loss log(1 + e^-3); row 3 is wrong with loss log(1 + e^3).
  const double right = std::log1p(std::exp(-3.0)), wrong = std::log1p(std::exp(3.0));
  for (const std::int64_t batch : {1, 2, 100}) {
    const train::Evaluation e = train::evaluate(*model, two_by_two(), objective, batch);
    EXPECT_NEAR(e.accuracy, 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(e.loss, (2 * right + wrong) / 3, 1e-6) << "batch " << batch;
    EXPECT_EQ(e.examples, 3);
  }
}

TEST(Evaluate, RestoresTrainingModeAndHandlesEmptyData) {
  auto model = identity_scores();
  const auto objective = train::make_objective("cross_entropy", data::Task::classification, 2);
  model->train();
  train::evaluate(*model, two_by_two(), objective, 2);
  EXPECT_TRUE(model->is_training());
  const train::Evaluation empty = train::evaluate(*model, data::Dataset{}, objective, 2);
  EXPECT_TRUE(std::isnan(empty.loss));
  EXPECT_EQ(empty.examples, 0);
}

TEST(Objective, DefaultsFollowTheTaskAndRejectMismatches) {
  EXPECT_EQ(train::make_objective("auto", data::Task::classification, 3).name, "cross_entropy");
  EXPECT_EQ(train::make_objective("auto", data::Task::regression, 0).name, "mse");
  EXPECT_FALSE(train::make_objective("l1", data::Task::regression, 0).classification);
  expect_throw_with<ConfigError>([] { train::make_objective("hinge", data::Task::classification, 3); },
                                 "[train] loss: expected one of auto, cross_entropy, mse, l1, bce, multi_margin, perceptron, got 'hinge'");
  expect_throw_with<ConfigError>([] { train::make_objective("l1", data::Task::classification, 3); },
                                 "[train] loss 'l1' needs a regression dataset");
  expect_throw_with<ConfigError>([] { train::make_objective("cross_entropy", data::Task::regression, 0); },
                                 "[train] loss 'cross_entropy' needs a classification dataset");
}

TEST(Objective, MseOnClassesComparesOutputsWithOneHotTargets) {
  const auto objective = train::make_objective("mse", data::Task::classification, 2);
  EXPECT_TRUE(objective.classification);
  // outputs [[1, 0], [0.5, 0.5]] against one-hot [[1, 0], [0, 1]]: (0 + 0 + 0.25 + 0.25) / 4
  const Tensor loss = objective.loss(Tensor::from({{1, 0}, {0.5, 0.5}}), Tensor::from_doubles({0, 1}, {2}, DType::i64));
  EXPECT_NEAR(loss.item(), 0.125, 1e-7);
}

TEST(Objective, BceComparesSigmoidOutputsWithOneHotTargets) {
  const auto objective = train::make_objective("bce", data::Task::classification, 2);
  // outputs 0 everywhere: every sigmoid is 1/2, so each of the 2x2 terms is log 2.
  const Tensor loss = objective.loss(Tensor::zeros({2, 2}), Tensor::from_doubles({0, 1}, {2}, DType::i64));
  EXPECT_NEAR(loss.item(), std::log(2.0), 1e-6);
}

TEST(Evaluate, RestoresTrainingModeWhenABatchFails) {
  auto model = identity_scores();
  const auto objective = train::make_objective("cross_entropy", data::Task::classification, 2);
  data::Dataset bad = two_by_two();
  bad.inputs = Tensor::zeros({3, 5});  // the layer wants 2 features
  model->train();
  EXPECT_THROW(train::evaluate(*model, bad, objective, 2), ShapeError);
  EXPECT_TRUE(model->is_training());
}

}  // namespace
}  // namespace nnlab
