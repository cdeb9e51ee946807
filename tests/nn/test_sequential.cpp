// Sequential: PyTorch-style child names, forward order, train/eval propagation.
#include <gtest/gtest.h>

#include <memory>

#include "nnlab/core/check.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/dropout.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/sequential.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::nn {

TEST(Sequential, NamesParametersLikeTorch) {
  Sequential model{std::make_shared<Linear>(LinearOptions{.in_features = 4, .out_features = 8}),
                   std::make_shared<ReLU>()};
  model.add(std::make_shared<Linear>(LinearOptions{.in_features = 8, .out_features = 2}));
  std::vector<std::string> names;
  for (const auto& [name, tensor] : model.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(model.parameter_count(), 4 * 8 + 8 + 8 * 2 + 2);
  EXPECT_EQ(model.size(), 3u);
  EXPECT_EQ(model[1].describe(), "ReLU()");
  EXPECT_EQ(model(Tensor::zeros({5, 4})).shape(), (Shape{5, 2}));
}

TEST(Sequential, TrainAndEvalReachEveryLayer) {
  Sequential model;
  model.push_back(std::make_shared<BatchNorm1d>(BatchNorm1dOptions{.num_features = 3}));
  model.push_back(std::make_shared<Dropout>());
  model.eval();
  EXPECT_FALSE(model[0].is_training());
  EXPECT_FALSE(model[1].is_training());
  const Tensor x = Tensor::from({{1, 2, 3}});
  expect_close(model(x), Tensor::from({{1, 2, 3}}), Tol::loose());  // eval: running stats 0 / 1
  model.train();
  EXPECT_TRUE(model[1].is_training());
}

TEST(Sequential, EmptyIsIdentityAndRejectsBadIndex) {
  Sequential model;
  const Tensor x = Tensor::from({1, 2});
  expect_equal(model(x), x);
  expect_throw_with<ValueError>([&] { model[0]; }, "Sequential: expected an index below 0, got 0");
  expect_throw_with<ValueError>([&] { model.push_back(nullptr); }, "Sequential: expected a module at index 0, got null");
}

// Linear then ReLU run as one op (ops::linear_relu): the output and every parameter's gradient
// are those of calling each layer in turn, and a ReLU not after a Linear, or a Linear last,
// still runs on its own.
TEST(Sequential, LinearThenReluGivesTheLayerByLayerBits) {
  Rng rng(3);
  const auto linear = [&](std::int64_t in, std::int64_t out) {
    return std::make_shared<Linear>(LinearOptions{.in_features = in, .out_features = out, .rng = &rng});
  };
  Sequential model{linear(5, 50),
                   std::make_shared<ReLU>(),
                   linear(50, 50),
                   std::make_shared<ReLU>(),
                   std::make_shared<ReLU>(),
                   std::make_shared<Tanh>(),
                   linear(50, 3)};
  const Tensor x = randn({1000, 5}, rng);
  const auto gradients = [&](const Tensor& y) {
    for (const Tensor& p : model.parameters()) p.zero_grad();
    y.backward(Tensor::ones(y.shape()));
    std::vector<Tensor> grads;
    for (const Tensor& p : model.parameters()) grads.push_back(p.grad());
    return grads;
  };
  const Tensor fused = model(x);
  const std::vector<Tensor> fused_grads = gradients(fused);
  Tensor layered = x;
  for (const auto& layer : model.layers()) layered = layer->forward(layered);
  const std::vector<Tensor> layered_grads = gradients(layered);
  expect_equal(fused, layered);
  ASSERT_EQ(fused_grads.size(), layered_grads.size());
  for (std::size_t i = 0; i < fused_grads.size(); ++i) expect_equal(fused_grads[i], layered_grads[i]);
}

}  // namespace nnlab::nn
