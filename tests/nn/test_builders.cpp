#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/check.h"
#include "nnlab/nn/builders.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::nn {
namespace {

std::vector<std::string> names(const Module& m) {
  std::vector<std::string> out;
  for (const auto& entry : m.named_parameters()) out.push_back(entry.first);
  return out;
}

}  // namespace

TEST(Mlp, LayersInTorchOrderWithTorchNames) {
  auto model = mlp({.in_features = 784, .hidden = {30}, .out_features = 10, .activation = "sigmoid"});
  EXPECT_EQ(model->size(), 3u);  // Linear, Sigmoid, Linear
  EXPECT_EQ(names(*model), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(model->parameter_count(), 784 * 30 + 30 + 30 * 10 + 10);
  EXPECT_EQ(model->forward(Tensor::zeros({4, 784})).shape(), (Shape{4, 10}));
}

TEST(Mlp, BatchNormAndDropoutGoWhereTorchPutsThem) {
  auto model = mlp({.in_features = 2, .hidden = {16, 16}, .out_features = 10, .batchnorm = true, .dropout = 0.25});
  ASSERT_EQ(model->size(), 9u);  // (Linear, BatchNorm1d, ReLU, Dropout) x 2, Linear
  EXPECT_EQ((*model)[1].describe().rfind("BatchNorm1d", 0), 0u);
  EXPECT_EQ((*model)[3].describe().rfind("Dropout", 0), 0u);
  EXPECT_EQ(model->named_buffers().size(), 6u);  // running_mean, running_var, num_batches_tracked x 2
}

TEST(Mlp, XavierNormalZeroesBiasesAndSetsTheSpread) {
  Rng rng(0);
  auto model = mlp({.in_features = 400, .hidden = {600}, .out_features = 10, .init = "xavier_normal", .rng = &rng});
  const Tensor w = model->named_parameters()[0].second;
  const Tensor b = model->named_parameters()[1].second;
  expect_equal(b, Tensor::zeros({600}));
  const double std = std::sqrt(ops::var(w).item());
  EXPECT_NEAR(std, std::sqrt(2.0 / 1000.0), 1e-3);
}

TEST(Mlp, KaimingUniformUsesTheReluBound) {
  Rng rng(1);
  auto model = mlp({.in_features = 512, .hidden = {256}, .out_features = 10, .init = "kaiming_uniform", .rng = &rng});
  const Tensor w = model->named_parameters()[0].second;
  const double bound = std::sqrt(6.0 / 512.0);
  EXPECT_LE(ops::max(w).item(), bound);
  EXPECT_GT(ops::max(w).item(), 0.98 * bound);
}

TEST(Mlp, SameSeedSameModel) {
  Rng a(5), b(5);
  auto m1 = mlp({.in_features = 3, .hidden = {4}, .out_features = 2, .rng = &a});
  auto m2 = mlp({.in_features = 3, .hidden = {4}, .out_features = 2, .rng = &b});
  for (std::size_t i = 0; i < m1->parameters().size(); ++i) expect_equal(m1->parameters()[i], m2->parameters()[i]);
}

TEST(Mlp, BadOptionsAreConfigErrors) {
  expect_throw_with<ConfigError>([] { mlp({.in_features = 2, .out_features = 3, .activation = "swish"}); },
                                 "unknown activation 'swish'");
  expect_throw_with<ConfigError>([] { mlp({.in_features = 2, .out_features = 3, .init = "he"}); }, "unknown init 'he'");
  expect_throw_with<ConfigError>([] { mlp({.in_features = 2, .hidden = {0}, .out_features = 3}); },
                                 "layer sizes must be positive, got 0");
  expect_throw_with<ConfigError>([] { mlp({.in_features = 2, .out_features = 3, .dropout = 1.0}); },
                                 "dropout must be in [0, 1), got 1");
}

TEST(LogisticRegression, IsOneLinearLayer) {
  auto model = logistic_regression(784, 10);
  EXPECT_EQ(model->size(), 1u);
  EXPECT_EQ(model->parameter_count(), 7850);
}

TEST(Perceptron, LearnsASeparableSetWithTheMistakeRule) {
  // Three well-separated clusters in 2-D.
  Rng rng(2);
  const Tensor noise = randn({300, 2}, rng);
  std::vector<float> xs;
  std::vector<std::int64_t> ys;
  const float centres[3][2] = {{5, 0}, {-5, 5}, {-5, -5}};
  for (int i = 0; i < 300; ++i) {
    for (int d = 0; d < 2; ++d) xs.push_back(centres[i % 3][d] + noise.to_vector<float>()[2 * i + d]);
    ys.push_back(i % 3);
  }
  const Tensor x = Tensor::from_vector(xs, {300, 2}), y = Tensor::from_vector(ys, {300});
  Perceptron model(2, 3);
  std::int64_t mistakes = -1;
  for (int epoch = 0; epoch < 20 && mistakes != 0; ++epoch) mistakes = perceptron_update(model, x, y);
  EXPECT_EQ(mistakes, 0);  // a full pass without a mistake: 100% training accuracy
  EXPECT_EQ(ops::argmax(model.forward(x), 1).to_vector<std::int64_t>(), ys);
}

TEST(Perceptron, OneMistakeMovesTheTwoRows) {
  Perceptron model(2, 3, DType::f64);
  const Tensor x = Tensor::from({{1.0, 2.0}}, DType::f64);
  const Tensor y = Tensor::from_vector<std::int64_t>({2}, {1});
  EXPECT_EQ(perceptron_update(model, x, y, 0.5), 1);  // all scores 0: predicts class 0
  expect_equal(model.weight(), Tensor::from({{-0.5, -1.0}, {0, 0}, {0.5, 1.0}}, DType::f64));
  expect_equal(model.bias(), Tensor::from({-0.5, 0, 0.5}, DType::f64));
}

TEST(Perceptron, RejectsBadLabels) {
  Perceptron model(2, 3);
  expect_throw_with<ValueError>(
      [&] { perceptron_update(model, Tensor::zeros({1, 2}), Tensor::from_vector<std::int64_t>({3}, {1})); },
      "label 3 is out of range for 3 classes");
}

}  // namespace nnlab::nn
