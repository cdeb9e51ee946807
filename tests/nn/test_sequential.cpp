// Sequential: PyTorch-style child names, forward order, train/eval propagation.
#include <gtest/gtest.h>

#include <memory>

#include "nnlab/core/check.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/dropout.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/sequential.h"
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

}  // namespace nnlab::nn
