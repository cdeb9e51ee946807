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

// Sizes within the config's caps whose weights or activations would not fit in memory: refused,
// naming the key, before anything is allocated (a hidden width of 2^31 took minutes to fill 16 GiB,
// an adaptive pool size of 2^31 crashed).
TEST(BuildModel, RefusesTensorsPastTheBoundNamingTheKey) {
  Rng rng(4);
  io::ModelConfig mlp;
  mlp.hidden = {16, std::int64_t{1} << 31};
  expect_throw_with<ConfigError>([&] { build_model(mlp, {784}, 10, rng); },
                                 "[model] hidden[1]: expected at most 2^34 elements (64 GiB of float32) per tensor, "
                                 "got a Linear weight of shape [2147483648, 16] (34359738368 elements)");
  mlp.hidden = {std::int64_t{1} << 30};
  expect_throw_with<ConfigError>([&] { build_model(mlp, {2}, 2, rng, /*batch=*/64); },
                                 "[model] hidden[0]: expected at most 2^34 elements (64 GiB of float32) per tensor, "
                                 "got the output for a batch of 64 of shape [64, 1073741824] (68719476736 elements)");
  mlp.depth = 3;
  mlp.width = std::int64_t{1} << 20;
  mlp.hidden.assign(3, mlp.width);
  expect_throw_with<ConfigError>([&] { build_model(mlp, {2}, 2, rng); },
                                 "[model] width: expected at most 2^34 elements (64 GiB of float32) per tensor, got a "
                                 "Linear weight of shape [1048576, 1048576]");

  io::ModelConfig cnn;
  cnn.type = "cnn";
  cnn.layers = {{.type = "adaptive_avgpool", .size = 2147483647}, {.type = "flatten"}, {.type = "linear", .out = 10}};
  expect_throw_with<ConfigError>(
      [&] {
        build_model(cnn, {1, 28, 28}, 10, rng);
      },
      "[[model.layers]] #1 (adaptive_avgpool): expected at most 2^34 elements (64 GiB of "
      "float32) per tensor, got its output for a batch of 1 of shape [1, 1, 2147483647, "
      "2147483647] (4611686014132420609 elements)");
  cnn.layers = {{.type = "flatten"}, {.type = "linear", .out = 2147483647}};
  expect_throw_with<ConfigError>(
      [&] {
        build_model(cnn, {3, 32, 32}, 10, rng);
      },
      "[[model.layers]] #2 (linear): expected at most 2^34 elements (64 GiB of float32) per "
      "tensor, got a Linear weight of shape [2147483647, 3072]");
  cnn.layers = {{.type = "conv", .out = 8, .kernel = 3, .padding = 2147483647}};
  expect_throw_with<ConfigError>(
      [&] {
        build_model(cnn, {1, 28, 28}, 10, rng);
      },
      "[[model.layers]] #1 (conv): expected at most 2^34 elements (64 GiB of float32) per "
      "tensor, got its output for a batch of 1 of shape [1, 8, 4294967320, 4294967320] "
      "(more than 2^63 - 1 elements)");
  io::ModelConfig perceptron;
  perceptron.type = "perceptron";
  expect_throw_with<ConfigError>([&] { build_model(perceptron, {std::int64_t{1} << 32}, 10, rng); },
                                 "[data]: expected at most 2^34 elements (64 GiB of float32) per tensor, got the "
                                 "perceptron's weight of shape [10, 4294967296]");
}

// The model's shapes are checked layer by layer before the probe batch runs through them.
TEST(BuildModel, KernelLargerThanItsInputNamesTheLayerAndTheInput) {
  Rng rng(5);
  io::ModelConfig cnn;
  cnn.type = "cnn";
  cnn.layers = {{.type = "conv", .out = 4, .kernel = 3},
                {.type = "maxpool", .kernel = 2},
                {.type = "conv", .out = 4, .kernel = 14},
                {.type = "flatten"},
                {.type = "linear", .out = 10}};
  expect_throw_with<ConfigError>(
      [&] {
        build_model(cnn, {1, 28, 28}, 10, rng);
      },
      "[[model.layers]] #3 (conv): conv2d: expected the padded input (13, 13) to be at "
      "least the dilated kernel (14, 14), got input [1, 4, 13, 13]");
}

}  // namespace nnlab::lab
