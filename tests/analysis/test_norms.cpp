// Parameter and gradient norms: a hand-computed case, and a real model against a naive loop.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>

#include "nnlab/analysis/norms.h"
#include "nnlab/core/error.h"
#include "nnlab/core/rng.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/sequential.h"
#include "nnlab/ops/loss.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

Tensor with_grad(const Tensor& value, const Tensor& grad) {
  value.set_grad(grad);
  return value;
}

TEST(Norms, LayerNameDropsTheLastPart) {
  EXPECT_EQ(layer_name("layer1.0.conv1.weight"), "layer1.0.conv1");
  EXPECT_EQ(layer_name("0.bias"), "0");
  EXPECT_EQ(layer_name("weight"), "");
}

TEST(Norms, GradientNormsByHand) {
  const std::vector<nn::NamedTensor> parameters = {
      {"0.weight", with_grad(Tensor::from({{1.0, 1.0}}), Tensor::from({{3.0, 4.0}}))},             // |g| = 5
      {"0.bias", with_grad(Tensor::from({2.0}), Tensor::from({-12.0}))},                           // |g| = 12
      {"1.weight", Tensor::from({7.0, 1.0})},                                                      // frozen: no grad
      {"2.weight", with_grad(Tensor::from({{0.0, 0.0, 0.0}}), Tensor::from({{1.0, 2.0, -2.0}}))},  // |g| = 3
  };
  const NormSummary norms = gradient_norms(parameters);
  ASSERT_EQ(norms.parameters.size(), 3u);
  EXPECT_EQ(norms.parameters[0].name, "0.weight");
  EXPECT_DOUBLE_EQ(norms.parameters[0].norm, 5.0);
  EXPECT_DOUBLE_EQ(norms.parameters[1].norm, 12.0);
  EXPECT_EQ(norms.parameters[2].name, "2.weight");
  EXPECT_DOUBLE_EQ(norms.parameters[2].norm, 3.0);
  ASSERT_EQ(norms.layers.size(), 2u);
  EXPECT_EQ(norms.layers[0].name, "0");
  EXPECT_DOUBLE_EQ(norms.layers[0].norm, 13.0);  // sqrt(25 + 144)
  EXPECT_EQ(norms.layers[1].name, "2");
  EXPECT_DOUBLE_EQ(norms.layers[1].norm, 3.0);
  EXPECT_DOUBLE_EQ(norms.total, std::sqrt(178.0));  // 25 + 144 + 9
  EXPECT_DOUBLE_EQ(norms.first_to_last_ratio, 13.0 / 3.0);
}

TEST(Norms, ParameterNormsCountFrozenParameters) {
  const std::vector<nn::NamedTensor> parameters = {
      {"fc.weight", Tensor::from({{3.0, 4.0}}, DType::f64)},  // 5
      {"fc.bias", Tensor::from({12.0})},                      // 12
      {"out.weight", Tensor::from({{0.0, 0.0}})},             // 0
  };
  const NormSummary norms = parameter_norms(parameters);
  ASSERT_EQ(norms.layers.size(), 2u);
  EXPECT_DOUBLE_EQ(norms.layers[0].norm, 13.0);
  EXPECT_DOUBLE_EQ(norms.layers[1].norm, 0.0);
  EXPECT_DOUBLE_EQ(norms.total, 13.0);
  EXPECT_TRUE(std::isinf(norms.first_to_last_ratio));  // 13 / 0
}

TEST(Norms, NoGradientsGiveNaNRatio) {
  const NormSummary norms = gradient_norms({{"0.weight", Tensor::from({1.0})}});
  EXPECT_TRUE(norms.parameters.empty());
  EXPECT_TRUE(norms.layers.empty());
  EXPECT_EQ(norms.total, 0.0);
  EXPECT_TRUE(std::isnan(norms.first_to_last_ratio));
}

// The norms of a real model's gradients after one backward, against a loop written here.
TEST(Norms, MatchNaiveLoopOnAModel) {
  Rng rng(3);
  nn::Sequential model{
      std::make_shared<nn::Linear>(nn::LinearOptions{.in_features = 5, .out_features = 7, .rng = &rng}),
      std::make_shared<nn::BatchNorm1d>(nn::BatchNorm1dOptions{.num_features = 7}), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(nn::LinearOptions{.in_features = 7, .out_features = 3, .rng = &rng})};
  const Tensor inputs = randn({6, 5}, rng);
  const Tensor targets = Tensor::from_doubles({0, 1, 2, 0, 1, 2}, {6}, DType::i64);
  ops::cross_entropy(model(inputs), targets).backward();

  std::map<std::string, double> layer_squares;
  std::vector<std::string> layer_order;
  double total_squares = 0.0;
  const auto parameters = model.named_parameters();
  const NormSummary norms = gradient_norms(parameters);
  ASSERT_EQ(norms.parameters.size(), parameters.size());
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    double squares = 0.0;
    for (double g : parameters[i].second.grad().to_vector<double>()) squares += g * g;
    const std::string& name = parameters[i].first;
    const std::string layer = name.substr(0, name.rfind('.'));
    if (!layer_squares.count(layer)) layer_order.push_back(layer);
    layer_squares[layer] += squares;
    total_squares += squares;
    EXPECT_EQ(norms.parameters[i].name, name);
    EXPECT_NEAR(norms.parameters[i].norm, std::sqrt(squares), 1e-12);
  }
  ASSERT_EQ(norms.layers.size(), layer_order.size());
  EXPECT_EQ(layer_order, (std::vector<std::string>{"0", "1", "3"}));
  for (std::size_t l = 0; l < layer_order.size(); ++l) {
    EXPECT_EQ(norms.layers[l].name, layer_order[l]);
    EXPECT_NEAR(norms.layers[l].norm, std::sqrt(layer_squares[layer_order[l]]), 1e-12);
  }
  EXPECT_NEAR(norms.total, std::sqrt(total_squares), 1e-12);
  EXPECT_NEAR(norms.first_to_last_ratio, std::sqrt(layer_squares["0"] / layer_squares["3"]), 1e-9);
}

TEST(Norms, SquaredNormReadsStridedViews) {
  const Tensor matrix = Tensor::from({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_DOUBLE_EQ(squared_l2_norm(view::transpose(matrix, 0, 1)), 91.0);  // 1+4+9+16+25+36
  EXPECT_DOUBLE_EQ(squared_l2_norm(view::narrow(matrix, 1, 1, 1)), 29.0);  // 4 + 25
}

TEST(Norms, RejectsIntegerTensors) {
  expect_throw_with<DTypeError>([] { squared_l2_norm(Tensor::zeros({2}, DType::i64)); },
                                "squared_l2_norm: expected a float32 or float64 tensor, got int64");
}

}  // namespace
}  // namespace nnlab::analysis
