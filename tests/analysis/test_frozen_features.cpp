// The features before a network's head: a Sequential's layers before its last Linear against the
// hidden layer worked out by hand, a ResNet's pooled features against its own forward pass, batching,
// the model's mode restored, and the refusal of a model without a Linear head.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "analysis/fixed_models.h"
#include "nnlab/analysis/frozen_features.h"
#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/error.h"
#include "nnlab/core/rng.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/builders.h"
#include "nnlab/nn/flatten.h"
#include "nnlab/nn/resnet.h"
#include "nnlab/nn/sequential.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

TEST(FrozenFeatures, SequentialGivesTheHiddenLayerBeforeTheHead) {
  // Flatten, Linear(2 -> 3), ReLU, Linear(3 -> 2): the features are relu(x W1ᵀ + b1).
  nn::Sequential model;
  model.push_back(std::make_shared<nn::Flatten>());
  model.push_back(linear_with({{1, -1}, {0.5, 2}, {-1, 0}}, {0.0, -1.0, 0.5}));
  model.push_back(std::make_shared<nn::ReLU>());
  model.push_back(linear_with({{1, 1, 1}, {-1, 0, 1}}, {0, 0}));
  const Tensor x = Tensor::from({{2.0, 1.0}, {-1.0, 3.0}});
  // Row 0: (2 - 1, 1 + 2 - 1, -2 + 0.5) = (1, 2, -1.5) -> (1, 2, 0);
  // row 1: (-1 - 3, -0.5 + 6 - 1, 1 + 0.5) = (-4, 4.5, 1.5) -> (0, 4.5, 1.5).
  expect_close(frozen_features(model, x, 1), Tensor::from({{1.0, 2.0, 0.0}, {0.0, 4.5, 1.5}}), Tol::f32());
  EXPECT_EQ(frozen_features_source(model), "the output of layers 0..2, before the Linear layer 3");
  EXPECT_TRUE(model.is_training());  // the mode it had
}

TEST(FrozenFeatures, LogisticModelGivesItsInputs) {
  nn::Sequential model;
  model.push_back(std::make_shared<nn::Flatten>());
  model.push_back(linear_with({{1, 2, 3, 4}}, {0}));
  const Tensor image = Tensor::from_doubles({1.0, 2.0, 3.0, 4.0}, {1, 2, 2});  // one 2x2 image
  expect_equal(frozen_features(model, image, 4), Tensor::from({{1.0, 2.0, 3.0, 4.0}}));
  EXPECT_EQ(frozen_features_source(model), "the output of layers 0..0, before the Linear layer 1");
}

TEST(FrozenFeatures, ResNetGivesThePooledFeaturesThatFcReads) {
  Rng rng(3);
  auto model = nn::resnet18({.num_classes = 5, .in_channels = 3, .small_images = true, .rng = &rng});
  const Tensor x = randn({3, 3, 8, 8}, rng);
  const Tensor features = frozen_features(*model, x, 2);  // two batches
  EXPECT_EQ(features.shape(), Shape({3, 512}));
  EXPECT_TRUE(model->is_training());
  model->eval();
  NoGradGuard no_grad;
  expect_close(features, model->features(x), Tol::f32());
  nn::Module& fc = *model->children().back().second;
  expect_close(fc.forward(features), model->forward(x), Tol::f32());
  EXPECT_EQ(frozen_features_source(*model), "the pooled output of layer4, the input of fc");
}

TEST(FrozenFeatures, RefusesAModelWithoutALinearHead) {
  nn::Sequential flat_only;
  flat_only.push_back(std::make_shared<nn::Flatten>());
  expect_throw_with<ValueError>(
      [&] {
        frozen_features(flat_only, Tensor::zeros({2, 3}), 8);
      },
      "frozen_features: expected a Sequential with a Linear layer (the head), got one of 1 "
      "layers without any");
  nn::Perceptron perceptron(3, 2);
  expect_throw_with<ValueError>(
      [&] {
        frozen_features(perceptron, Tensor::zeros({2, 3}), 8);
      },
      "frozen_features: expected a ResNet or a Sequential ending in a Linear layer, got "
      "Perceptron");
}

}  // namespace
}  // namespace nnlab::analysis
