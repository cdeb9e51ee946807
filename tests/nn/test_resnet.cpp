// ResNet: torchvision's parameter counts and state_dict names, output shapes for both stems, the
// initialisation, summary(), freezing the backbone, a new head from a checkpoint, and bad input.
// Parity with PyTorch's numbers is in test_resnet_parity.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "nnlab/core/check.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/nn/resnet.h"
#include "nnlab/nn/summary.h"
#include "nnlab/ops/loss.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/gradcheck_asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::nn {
namespace {

std::map<std::string, Tensor> by_name(const std::vector<NamedTensor>& list) { return {list.begin(), list.end()}; }

// The line of a summary() table that starts with `label`, or "" if none does.
std::string row(const std::string& table, const std::string& label) {
  const std::size_t begin = table.find("\n" + label);
  if (begin == std::string::npos) return "";
  return table.substr(begin + 1, table.find('\n', begin + 1) - begin - 1);
}

std::vector<std::string> names(const std::vector<NamedTensor>& list) {
  std::vector<std::string> out;
  for (const auto& entry : list) out.push_back(entry.first);
  return out;
}

// The sample standard deviation of t's values (mean taken out).
double stddev(const Tensor& t) {
  const std::vector<double> v = t.to_vector<double>();
  double mean = 0, square = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) square += (x - mean) * (x - mean);
  return std::sqrt(square / static_cast<double>(v.size() - 1));
}

}  // namespace

TEST(ResNet, ParameterCountsEqualTorchvisions) {
  Rng rng(1);
  // sum(p.numel() for p in torchvision.models.resnetXX().parameters())
  EXPECT_EQ(resnet18({.rng = &rng})->parameter_count(), 11'689'512);
  EXPECT_EQ(resnet34({.rng = &rng})->parameter_count(), 21'797'672);
  // resnet50 (25,557,032) is counted with a 10-class head below.
}

TEST(ResNet, StateNamesFollowTorchvisionsStateDict) {
  Rng rng(1);
  const auto model = resnet18({.rng = &rng});
  const std::vector<std::string> keys = names(model->state());
  // len(resnet18().state_dict()): 62 parameters and 20 BatchNorms' 3 buffers.
  ASSERT_EQ(keys.size(), 122u);
  EXPECT_EQ(model->named_parameters().size(), 62u);
  const std::vector<std::string> first{"conv1.weight",          "bn1.weight",          "bn1.bias",
                                       "bn1.running_mean",      "bn1.running_var",     "bn1.num_batches_tracked",
                                       "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias"};
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 9), first);
  EXPECT_EQ(keys[keys.size() - 2], "fc.weight");
  EXPECT_EQ(keys.back(), "fc.bias");
  const auto state = by_name(model->state());
  for (const char* key : {"layer1.1.bn2.running_var", "layer2.0.downsample.0.weight", "layer2.0.downsample.1.bias",
                          "layer3.1.conv2.weight", "layer4.0.downsample.1.num_batches_tracked"}) {
    EXPECT_TRUE(state.contains(key)) << key;
  }
  // Identity shortcuts have no downsample: layer1 keeps 64 channels, later layers' second blocks keep theirs.
  EXPECT_FALSE(state.contains("layer1.0.downsample.0.weight"));
  EXPECT_FALSE(state.contains("layer2.1.downsample.0.weight"));
  EXPECT_EQ(state.at("layer2.0.downsample.0.weight").shape(), (Shape{128, 64, 1, 1}));
  EXPECT_EQ(state.at("layer4.1.conv2.weight").shape(), (Shape{512, 512, 3, 3}));
  EXPECT_EQ(state.at("fc.weight").shape(), (Shape{1000, 512}));
}

TEST(ResNet, Resnet50UsesBottlenecksWithTorchvisionsNames) {
  Rng rng(1);
  const auto model = resnet50({.num_classes = 10, .rng = &rng});
  const auto state = by_name(model->state());
  // resnet50's 25,557,032 with a 2048 · 10 + 10 head instead of 2048 · 1000 + 1000.
  EXPECT_EQ(model->parameter_count(), 25'557'032 - 2'049'000 + 20'490);
  EXPECT_EQ(model->named_parameters().size(), 161u);  // len(list(resnet50().parameters()))
  EXPECT_EQ(state.size(), 320u);                      // len(resnet50().state_dict())
  // layer1's first block widens 64 -> 256, so it has a stride-1 downsample.
  EXPECT_EQ(state.at("layer1.0.downsample.0.weight").shape(), (Shape{256, 64, 1, 1}));
  EXPECT_EQ(state.at("layer1.0.conv3.weight").shape(), (Shape{256, 64, 1, 1}));
  // v1.5: the stride sits on the 3x3 conv2.
  EXPECT_EQ(state.at("layer2.0.conv2.weight").shape(), (Shape{128, 128, 3, 3}));
  EXPECT_EQ(state.at("fc.weight").shape(), (Shape{10, 2048}));
  EXPECT_EQ(model->forward(Tensor::zeros({2, 3, 32, 32})).shape(), (Shape{2, 10}));
}

TEST(ResNet, OutputShapesForBothStems) {
  Rng rng(2);
  const auto model = resnet18({.num_classes = 10, .rng = &rng});
  // 64 -> conv1 32 -> maxpool 16 -> layer1 16, layer2 8, layer3 4, layer4 2 -> avgpool 1.
  const std::string text = summary(*model, {2, 3, 64, 64});
  const auto expect_row = [](const std::string& line, const std::string& first, const std::string& shape,
                             const std::string& params) {
    EXPECT_TRUE(line.starts_with(first) && line.find("  " + shape + " ") != std::string::npos &&
                line.ends_with(" " + params))
        << "row '" << line << "' should read " << first << " ... " << shape << " ... " << params;
  };
  expect_row(row(text, "conv1:"), "conv1: Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=false)",
             "[2, 64, 32, 32]", "9408");
  expect_row(row(text, "maxpool:"), "maxpool: MaxPool2d(kernel_size=3, stride=2, padding=1)", "[2, 64, 16, 16]", "0");
  expect_row(row(text, "layer1:"), "layer1: Sequential", "[2, 64, 16, 16]", "147968");
  expect_row(row(text, "layer4:"), "layer4: Sequential", "[2, 512, 2, 2]", "8393728");
  expect_row(row(text, "avgpool:"), "avgpool: AdaptiveAvgPool2d(output_size=1)", "[2, 512, 1, 1]", "0");
  expect_row(row(text, "flatten:"), "flatten: Flatten", "[2, 512]", "0");
  expect_row(row(text, "fc:"), "fc: Linear(in_features=512, out_features=10, bias=true)", "[2, 10]", "5130");
  // 11,689,512 with a 512 · 10 + 10 head instead of 512 · 1000 + 1000.
  EXPECT_NE(text.find("Total params: 11181642\n"), std::string::npos) << text;
  EXPECT_TRUE(model->is_training());

  // The CIFAR stem: 3x3 stride-1 conv1 and no down-sampling before layer1; same names.
  const auto small = resnet18({.num_classes = 10, .small_images = true, .rng = &rng});
  EXPECT_EQ(by_name(small->state()).at("conv1.weight").shape(), (Shape{64, 3, 3, 3}));
  EXPECT_EQ(names(small->state()).size(), 122u);
  const std::string small_text = summary(*small, {2, 3, 32, 32});
  expect_row(row(small_text, "conv1:"), "conv1: Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)",
             "[2, 64, 32, 32]", "1728");
  expect_row(row(small_text, "maxpool:"), "maxpool: Identity()", "[2, 64, 32, 32]", "0");
  expect_row(row(small_text, "layer4:"), "layer4: Sequential", "[2, 512, 4, 4]", "8393728");
  EXPECT_EQ(small->forward(Tensor::zeros({2, 3, 32, 32})).shape(), (Shape{2, 10}));
  EXPECT_EQ(small->parameter_count(), 11'181'642 - 64 * 3 * (49 - 9));  // a 3x3 conv1
}

TEST(ResNet, InitialisesAsTorchvision) {
  Rng rng(3);
  const auto model = resnet18({.rng = &rng});
  const auto state = by_name(model->state());
  // kaiming_normal_(mode=fan_out, nonlinearity=relu): std sqrt(2 / (out_channels · k · k)).
  EXPECT_NEAR(stddev(state.at("conv1.weight")), std::sqrt(2.0 / (64 * 49)), 0.03 * std::sqrt(2.0 / (64 * 49)));
  EXPECT_NEAR(stddev(state.at("layer4.1.conv2.weight")), std::sqrt(2.0 / (512 * 9)), 0.01 * std::sqrt(2.0 / (512 * 9)));
  EXPECT_NEAR(stddev(state.at("layer3.0.downsample.0.weight")), std::sqrt(2.0 / 256), 0.03 * std::sqrt(2.0 / 256));
  expect_equal(state.at("layer2.1.bn1.weight"), Tensor::ones({128}));
  expect_equal(state.at("layer2.1.bn1.bias"), Tensor::zeros({128}));
  expect_equal(state.at("bn1.running_var"), Tensor::ones({64}));
  // fc: torch.nn.Linear's U(±1/sqrt(512)).
  const std::vector<double> fc = state.at("fc.weight").to_vector<double>();
  const double bound = 1.0 / std::sqrt(512.0);
  EXPECT_LE(*std::max_element(fc.begin(), fc.end()), bound);
  EXPECT_GE(*std::min_element(fc.begin(), fc.end()), -bound);
  EXPECT_NEAR(stddev(state.at("fc.weight")), bound / std::sqrt(3.0), 0.01 * bound);
  // The same seed gives the same weights.
  Rng again(3);
  expect_equal(by_name(resnet18({.rng = &again})->state()).at("layer3.1.conv1.weight"),
               state.at("layer3.1.conv1.weight"));
}

TEST(ResNet, FreezingTheBackboneLeavesOnlyTheHeadTraining) {
  Rng rng(4);
  const auto model = resnet18({.num_classes = 10, .small_images = true, .rng = &rng});
  // freeze() prefixes end at a dot: "layer" names no parameter ("layer1" is not under it).
  expect_throw_with<ValueError>([&] { model->freeze("layer"); }, "freeze: no parameter name starts with 'layer'");
  for (const char* prefix : {"conv1", "bn1", "layer1", "layer2", "layer3", "layer4"}) model->freeze(prefix);
  EXPECT_EQ(model->parameter_count(/*trainable_only=*/true), 512 * 10 + 10);
  const Tensor x = randn({2, 3, 8, 8}, rng);
  ops::cross_entropy(model->forward(x), Tensor::from_vector<std::int64_t>({1, 7}, {2})).backward();
  const auto params = by_name(model->named_parameters());
  EXPECT_FALSE(params.at("conv1.weight").grad().defined());
  EXPECT_FALSE(params.at("layer4.1.bn2.weight").grad().defined());
  EXPECT_TRUE(params.at("fc.weight").grad().defined());
}

TEST(ResNet, ANewHeadKeepsTheBackboneOfACheckpoint) {
  testing::TempDir dir;
  Rng rng(5);
  const auto pretrained = resnet18({.num_classes = 5, .small_images = true, .rng = &rng});
  io::save_model(*pretrained, dir.file("pretrained.safetensors"));
  const auto model = resnet18({.num_classes = 3, .small_images = true, .rng = &rng});
  const Tensor own_fc = by_name(model->state()).at("fc.weight");
  const io::LoadReport report =
      io::load_model(*model, dir.file("pretrained.safetensors"), {.strict = false, .skip_prefixes = {"fc"}});
  EXPECT_EQ(report.loaded.size(), 120u);
  EXPECT_TRUE(report.unexpected.empty());  // skipped names are left out on both sides
  const auto loaded = by_name(model->state()), source = by_name(pretrained->state());
  expect_equal(loaded.at("layer3.0.conv1.weight"), source.at("layer3.0.conv1.weight"));
  EXPECT_EQ(loaded.at("fc.weight").shape(), (Shape{3, 512}));
  expect_equal(loaded.at("fc.weight"), own_fc);
}

TEST(ResNet, BlocksPassTheGradientCheck) {
  Rng rng(6);
  // Train mode: BatchNorm with batch statistics, the stride-2 downsample shortcut.
  BasicBlock basic({.in_channels = 2, .planes = 3, .stride = 2, .dtype = DType::f64, .rng = &rng});
  const Tensor x = randn({2, 2, 5, 5}, rng, DType::f64).requires_grad_();
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return basic(in[0]); }, {x});
  Bottleneck bottleneck({.in_channels = 4, .planes = 1, .stride = 1, .dtype = DType::f64, .rng = &rng});
  EXPECT_EQ(names(bottleneck.named_parameters()).size(), 9u);  // no downsample: 4 -> 1 · 4 channels
  const Tensor y = randn({2, 4, 3, 3}, rng, DType::f64).requires_grad_();
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return bottleneck(in[0]); }, {y});
}

TEST(ResNet, BlockNamesShapesAndDescriptions) {
  Rng rng(7);
  BasicBlock block({.in_channels = 64, .planes = 128, .stride = 2, .rng = &rng});
  EXPECT_EQ(names(block.named_parameters()),
            (std::vector<std::string>{"conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight",
                                      "bn2.bias", "downsample.0.weight", "downsample.1.weight", "downsample.1.bias"}));
  EXPECT_EQ(block.describe(), "BasicBlock(64, 128, stride=2)");
  EXPECT_EQ(block(Tensor::zeros({2, 64, 7, 7})).shape(), (Shape{2, 128, 4, 4}));
  EXPECT_EQ(ResNet(ResNetBlock::bottleneck, {1, 1, 1, 1}, {.num_classes = 2, .rng = &rng}).describe(),
            "ResNet(Bottleneck, blocks=[1, 1, 1, 1], num_classes=2, in_channels=3, small_images=false)");
}

TEST(ResNet, RejectsBadOptionsAndInput) {
  Rng rng(8);
  expect_throw_with<ValueError>([&] { resnet18({.num_classes = 0, .rng = &rng}); },
                                "ResNet: expected positive num_classes and in_channels, got num_classes=0");
  expect_throw_with<ValueError>(
      [&] {
        ResNet(ResNetBlock::basic, {2, 0, 2, 2}, {.rng = &rng});
      },
      "ResNet: expected a positive number of blocks per layer, got 2, 0, 2, 2");
  expect_throw_with<ValueError>([&] { BasicBlock({.in_channels = 4, .planes = 0}); },
                                "BasicBlock: expected positive in_channels, planes and stride");
  const auto model = resnet18({.num_classes = 2, .in_channels = 1, .small_images = true, .rng = &rng});
  expect_throw_with<ShapeError>(
      [&] {
        model->forward(Tensor::zeros({2, 3, 8, 8}));
      },
      "ResNet: expected input of shape [N, 1, H, W], got [2, 3, 8, 8]");
  expect_throw_with<ShapeError>(
      [&] {
        model->forward(Tensor::zeros({1, 8, 8}));
      },
      "ResNet: expected input of shape [N, 1, H, W], got [1, 8, 8]");
}

}  // namespace nnlab::nn
