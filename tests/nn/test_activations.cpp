// Activation and Dropout modules: values, float64 gradient checks, train/eval behaviour.
#include <gtest/gtest.h>

#include <memory>

#include "nnlab/core/check.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/dropout.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab::nn {
namespace {

// Inputs away from 0, where relu, leaky_relu and elu have kinks.
Tensor away_from_zero() { return Tensor::from({{-1.5, -0.3, 0.4}, {0.9, -2.0, 1.7}}, DType::f64); }

}  // namespace

TEST(Activations, EachModulePassesGradientCheck) {
  std::vector<std::shared_ptr<Module>> modules{
      std::make_shared<ReLU>(),  std::make_shared<Sigmoid>(),
      std::make_shared<Tanh>(),  std::make_shared<LeakyReLU>(LeakyReLUOptions{.negative_slope = 0.2}),
      std::make_shared<ELU>(),   std::make_shared<GELU>(),
      std::make_shared<GELU>(GELUOptions{.approximate = ops::GeluApproximate::tanh}),
      std::make_shared<Softmax>(SoftmaxOptions{.dim = 1}), std::make_shared<Quadratic>()};
  for (const auto& module : modules) {
    SCOPED_TRACE(module->describe());
    EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return (*module)(in[0]); }, {away_from_zero().requires_grad_()});
  }
}

TEST(Activations, ValuesMatchTheOps) {
  const Tensor x = Tensor::from({-2, 0.5}, DType::f64);
  expect_close(ReLU()(x), Tensor::from({0, 0.5}, DType::f64), Tol::f64());
  expect_close(LeakyReLU()(x), Tensor::from({-0.02, 0.5}, DType::f64), Tol::f64());
  expect_close(Softmax()(Tensor::from({0.0, 0.0}, DType::f64)), Tensor::from({0.5, 0.5}, DType::f64), Tol::f64());
  EXPECT_EQ(LeakyReLU().describe(), "LeakyReLU(negative_slope=0.01)");
  EXPECT_EQ(Softmax({.dim = 1}).describe(), "Softmax(dim=1)");
  expect_close(Quadratic()(x), Tensor::from({-6, 0.25}, DType::f64), Tol::f64());  // x (1 - x)
}

TEST(Activations, MadeByTheirConfigNames) {
  EXPECT_EQ(make_activation("quadratic")->describe(), "Quadratic()");
  EXPECT_EQ(make_activation("gelu")->describe(), "GELU(approximate='none')");
  expect_throw_with<ConfigError>([] { make_activation("swish"); },
                                 "unknown activation 'swish' (expected relu, sigmoid, tanh, leaky_relu, elu, gelu or "
                                 "quadratic)");
}

TEST(Dropout, ActiveOnlyInTraining) {
  Rng rng(1);
  Dropout layer({.p = 0.5, .rng = &rng});
  const Tensor x = Tensor::ones({1000});
  const std::vector<float> y = layer(x).to_vector<float>();
  int zeros = 0;
  for (float v : y) {
    EXPECT_TRUE(v == 0.0f || v == 2.0f);
    zeros += v == 0.0f;
  }
  EXPECT_GT(zeros, 400);
  EXPECT_LT(zeros, 600);
  layer.eval();
  expect_equal(layer(x), x);
  expect_throw_with<ValueError>([] { Dropout({.p = 1.5}); }, "Dropout: expected p in [0, 1], got 1.5");
}

}  // namespace nnlab::nn
