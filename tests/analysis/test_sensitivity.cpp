// Input sensitivity against central finite differences of each example's own loss, in float64.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "nnlab/analysis/sensitivity.h"
#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/error.h"
#include "nnlab/core/rng.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/sequential.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

// 3 -> 4 -> BatchNorm -> tanh -> 3 in float64. BatchNorm mixes a batch's rows in training mode,
// so the finite differences below (one example at a time) only agree in eval mode.
std::shared_ptr<nn::Sequential> tiny_model(Rng& rng) {
  auto model = std::make_shared<nn::Sequential>();
  model->add(std::make_shared<nn::Linear>(
      nn::LinearOptions{.in_features = 3, .out_features = 4, .dtype = DType::f64, .rng = &rng}));
  model->add(std::make_shared<nn::BatchNorm1d>(nn::BatchNorm1dOptions{.num_features = 4, .dtype = DType::f64}));
  model->add(std::make_shared<nn::Tanh>());
  model->add(std::make_shared<nn::Linear>(
      nn::LinearOptions{.in_features = 4, .out_features = 3, .dtype = DType::f64, .rng = &rng}));
  // Give BatchNorm running statistics that are not the identity.
  (*model)(randn({16, 3}, rng, DType::f64));
  return model;
}

data::Dataset tiny_data(Rng& rng) {
  data::Dataset dataset;
  dataset.inputs = randn({7, 3}, rng, DType::f64);
  dataset.targets = Tensor::from_doubles({0, 1, 2, 2, 1, 0, 1}, {7}, DType::i64);
  dataset.num_classes = 3;
  return dataset;
}

// ||d loss_i / d x_i|| by central differences: x_i alone, eps = 1e-6, in float64.
std::vector<double> finite_difference_norms(nn::Module& model, const data::Dataset& dataset) {
  model.eval();
  NoGradGuard no_grad;
  const std::vector<double> inputs = dataset.inputs.to_vector<double>();
  const std::vector<double> labels = dataset.targets.to_vector<double>();
  const double eps = 1e-6;
  std::vector<double> norms;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const Tensor target = Tensor::from_doubles({labels[i]}, {1}, DType::i64);
    double squares = 0.0;
    for (std::size_t d = 0; d < 3; ++d) {
      std::vector<double> row(inputs.begin() + static_cast<long>(3 * i), inputs.begin() + static_cast<long>(3 * i + 3));
      row[d] += eps;
      const double plus = ops::cross_entropy(model(Tensor::from_doubles(row, {1, 3}, DType::f64)), target).item();
      row[d] -= 2 * eps;
      const double minus = ops::cross_entropy(model(Tensor::from_doubles(row, {1, 3}, DType::f64)), target).item();
      const double derivative = (plus - minus) / (2 * eps);
      squares += derivative * derivative;
    }
    norms.push_back(std::sqrt(squares));
  }
  return norms;
}

TEST(Sensitivity, MatchesCentralDifferencesPerExample) {
  Rng rng(5);
  auto model = tiny_model(rng);
  const data::Dataset dataset = tiny_data(rng);
  const std::vector<double> expected = finite_difference_norms(*model, dataset);
  model->train();
  const InputSensitivity result =
      input_sensitivity(*model, dataset, per_example_cross_entropy(), {.batch_size = 3});  // batches 3, 3, 1
  ASSERT_EQ(result.gradient_norms.size(), expected.size());
  double mean = 0.0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(result.gradient_norms[i], expected[i], 1e-5 + 1e-3 * expected[i]) << "example " << i;
    mean += expected[i] / static_cast<double>(expected.size());
  }
  EXPECT_NEAR(result.mean_gradient_norm, mean, 1e-5 + 1e-3 * mean);
  EXPECT_TRUE(model->is_training());  // the caller's mode is restored
}

TEST(Sensitivity, SameForEveryBatchSizeAndLossReduction) {
  Rng rng(8);
  auto model = tiny_model(rng);
  const data::Dataset dataset = tiny_data(rng);
  const InputSensitivity one_by_one =
      input_sensitivity(*model, dataset, per_example_cross_entropy(), {.batch_size = 1});
  const BatchLoss mean_loss = [](const Tensor& outputs, const Tensor& targets) {
    return ops::cross_entropy(outputs, targets);  // Reduction::mean
  };
  const BatchLoss sum_loss = [](const Tensor& outputs, const Tensor& targets) {
    return ops::cross_entropy(outputs, targets, {.reduction = ops::Reduction::sum});
  };
  const InputSensitivity by_mean =
      input_sensitivity(*model, dataset, mean_loss, {.batch_size = 4, .loss_reduction = ops::Reduction::mean});
  const InputSensitivity by_sum =
      input_sensitivity(*model, dataset, sum_loss, {.batch_size = 100, .loss_reduction = ops::Reduction::sum});
  for (std::size_t i = 0; i < one_by_one.gradient_norms.size(); ++i) {
    EXPECT_NEAR(by_mean.gradient_norms[i], one_by_one.gradient_norms[i], 1e-12);
    EXPECT_NEAR(by_sum.gradient_norms[i], one_by_one.gradient_norms[i], 1e-12);
  }
}

TEST(Sensitivity, LeavesParameterGradientsAndGradModeAlone) {
  Rng rng(9);
  auto model = tiny_model(rng);
  const data::Dataset dataset = tiny_data(rng);
  NoGradGuard caller_has_grad_off;
  input_sensitivity(*model, dataset, per_example_cross_entropy());
  EXPECT_FALSE(autograd::grad_enabled());
  for (const auto& [name, parameter] : model->named_parameters()) {
    EXPECT_FALSE(parameter.grad().defined()) << name;
    EXPECT_TRUE(parameter.requires_grad()) << name;
  }
}

TEST(Sensitivity, RejectsALossOfTheWrongShape) {
  Rng rng(1);
  auto model = tiny_model(rng);
  const data::Dataset dataset = tiny_data(rng);
  const BatchLoss mean_loss = [](const Tensor& outputs, const Tensor& targets) {
    return ops::cross_entropy(outputs, targets);
  };
  expect_throw_with<ShapeError>([&] { input_sensitivity(*model, dataset, mean_loss, {.batch_size = 2}); },
                                "input_sensitivity: loss_reduction none expects one loss per example (2), got []");
  expect_throw_with<ValueError>([&] { input_sensitivity(*model, dataset, mean_loss, {.batch_size = 0}); },
                                "input_sensitivity: batch_size must be >= 1, got 0");
}

}  // namespace
}  // namespace nnlab::analysis
