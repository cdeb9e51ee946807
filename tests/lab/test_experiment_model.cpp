// build_model for [model] type = "resnet18" / "resnet34": torchvision's names, in_channels from the
// data's (C, H, W) examples, num_classes from the outputs, the small-image stem, freezing, and
// configs that cannot work.
#include <gtest/gtest.h>

#include <map>

#include "nnlab/core/check.h"
#include "nnlab/lab/experiment_model.h"
#include "testing/asserts.h"

namespace nnlab::lab {
namespace {

std::map<std::string, Tensor> state_of(const nn::Module& model) {
  const auto state = model.state();
  return {state.begin(), state.end()};
}

io::ModelConfig resnet_config(const std::string& type) {
  io::ModelConfig config;
  config.type = type;
  return config;
}

}  // namespace

TEST(BuildModel, Resnet18TakesChannelsFromTheDataAndClassesFromTheOutputs) {
  io::ModelConfig config = resnet_config("resnet18");
  config.small_images = true;
  config.freeze = {"conv1", "bn1", "layer1"};
  Rng rng(1);
  const auto model = build_model(config, {1, 28, 28}, 10, rng);
  const auto state = state_of(*model);
  EXPECT_EQ(state.size(), 122u);
  EXPECT_EQ(state.at("conv1.weight").shape(), (Shape{64, 1, 3, 3}));  // small_images: a 3x3 stem
  EXPECT_EQ(state.at("fc.weight").shape(), (Shape{10, 512}));
  EXPECT_FALSE(state.at("layer1.1.conv2.weight").requires_grad());
  EXPECT_TRUE(state.at("layer2.0.conv1.weight").requires_grad());
  EXPECT_EQ(model->forward(Tensor::zeros({2, 1, 28, 28})).shape(), (Shape{2, 10}));
}

TEST(BuildModel, Resnet34HasTorchvisionsBlocks) {
  Rng rng(2);
  const auto model = build_model(resnet_config("resnet34"), {3, 64, 64}, 1000, rng);
  EXPECT_EQ(model->parameter_count(), 21'797'672);
  const auto state = state_of(*model);
  EXPECT_EQ(state.at("conv1.weight").shape(), (Shape{64, 3, 7, 7}));
  EXPECT_TRUE(state.contains("layer3.5.bn2.running_var"));
  EXPECT_FALSE(state.contains("layer3.6.conv1.weight"));
}

TEST(BuildModel, ResnetRejectsFlatInputsAndAnotherInit) {
  Rng rng(3);
  expect_throw_with<ConfigError>([&] { build_model(resnet_config("resnet18"), {784}, 10, rng); },
                                 "[model] type = 'resnet18' needs image inputs (C, H, W), but the data's examples are "
                                 "[784]");
  io::ModelConfig config = resnet_config("resnet18");
  config.init = "xavier_normal";
  expect_throw_with<ConfigError>(
      [&] {
        build_model(config, {3, 32, 32}, 10, rng);
      },
      "[model] init = 'xavier_normal' does not apply to type = 'resnet18'");
}

}  // namespace nnlab::lab
