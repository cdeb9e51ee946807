#pragma once
// ResNet (He et al., 2015) with torchvision.models.resnet's layout and module names, so that
// state() keys equal torchvision's state_dict keys and weights move between the two.
// One addition: a parameter-free "flatten" child between avgpool and fc (torchvision calls
// torch.flatten inside forward), so that forward is exactly the children in order.
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "nnlab/core/rng.h"
#include "nnlab/nn/module.h"

namespace nnlab::nn {

struct ResNetOptions {
  std::int64_t num_classes = 1000;
  std::int64_t in_channels = 3;
  // true: the CIFAR-style stem for 32x32 images, conv1 3x3 stride 1 padding 1 and maxpool an
  // Identity (the names conv1 / bn1 / maxpool stay); false: torchvision's 7x7 stride-2 conv and
  // 3x3 stride-2 max-pool.
  bool small_images = false;
  DType dtype = DType::f32;
  Rng* rng = nullptr;  // the initialisation draws; null means global_rng()
};

// One residual block's sizes, as torchvision's BasicBlock(inplanes, planes, stride). The block
// builds its own "downsample" (1x1 conv with `stride`, then BatchNorm2d, as Sequential "0", "1")
// when stride != 1 or in_channels != planes * expansion, the rule of torchvision's _make_layer.
struct ResidualBlockOptions {
  std::int64_t in_channels = 0;  // torchvision's inplanes
  std::int64_t planes = 0;       // the block's width; it outputs planes * expansion channels
  std::int64_t stride = 1;
  DType dtype = DType::f32;
  Rng* rng = nullptr;
};

// out = relu(bn2(conv2(relu(bn1(conv1(x))))) + identity), identity = downsample(x) or x.
// conv1 3x3 with `stride`, conv2 3x3, both without bias. x (N, in_channels, H, W) ->
// (N, planes, H', W'), H' = (H - 1) / stride + 1. Throws ValueError for non-positive sizes.
class BasicBlock final : public Module {
 public:
  static constexpr std::int64_t kExpansion = 1;
  explicit BasicBlock(const ResidualBlockOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;  // "BasicBlock(64, 128, stride=2)"

 private:
  ResidualBlockOptions options_;
  std::shared_ptr<Module> conv1_, bn1_, conv2_, bn2_, downsample_;  // downsample_ may be null
};

// out = relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + identity): conv1 1x1, conv2 3x3
// with `stride` (torchvision's "ResNet v1.5"), conv3 1x1 to planes * 4 channels.
// x (N, in_channels, H, W) -> (N, 4 * planes, H', W'). Throws ValueError for non-positive sizes.
class Bottleneck final : public Module {
 public:
  static constexpr std::int64_t kExpansion = 4;
  explicit Bottleneck(const ResidualBlockOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;  // "Bottleneck(256, 64, stride=1)"

 private:
  ResidualBlockOptions options_;
  std::shared_ptr<Module> conv1_, bn1_, conv2_, bn2_, conv3_, bn3_, downsample_;
};

enum class ResNetBlock { basic, bottleneck };

// Children in order: conv1, bn1, relu, maxpool, layer1..layer4 (Sequentials of blocks named
// "0", "1", ...; widths 64, 128, 256, 512, strides 1, 2, 2, 2), avgpool (adaptive, 1x1),
// flatten, fc; forward applies them in that order.
// x (N, in_channels, H, W) -> logits (N, num_classes).
// Initialisation as torchvision: conv weights kaiming_normal_(mode=fan_out, nonlinearity=relu),
// BatchNorm weight 1 and bias 0, fc torch.nn.Linear's default; zero_init_residual=False.
// Throws ValueError for non-positive num_classes, in_channels or block counts; forward throws
// ShapeError for an input that is not (N, in_channels, H, W). Any H, W >= 1 passes the stem.
// https://pytorch.org/vision/stable/models/resnet.html
class ResNet final : public Module {
 public:
  ResNet(ResNetBlock block, const std::array<std::int64_t, 4>& blocks, const ResNetOptions& options);
  Tensor forward(const Tensor& x) override;
  // What fc sees: every child but fc, in order. x (N, in_channels, H, W) -> (N, 512 · expansion),
  // the globally average-pooled activations of layer4 (E7's frozen features for a linear probe).
  Tensor features(const Tensor& x);
  // "ResNet(BasicBlock, blocks=[2, 2, 2, 2], num_classes=1000, in_channels=3, small_images=false)"
  std::string describe() const override;

  const ResNetOptions& options() const { return options_; }

 private:
  std::shared_ptr<Module> make_layer(std::int64_t planes, std::int64_t count, std::int64_t stride, Rng& rng);

  ResNetBlock block_;
  std::array<std::int64_t, 4> blocks_;
  ResNetOptions options_;
  std::int64_t in_planes_ = 64;  // the running width while layers are built (torchvision's inplanes)
};

// torchvision's resnet18 (BasicBlock, [2, 2, 2, 2]; 11,689,512 parameters for 1000 classes),
// resnet34 (BasicBlock, [3, 4, 6, 3]; 21,797,672) and resnet50 (Bottleneck, [3, 4, 6, 3];
// 25,557,032), untrained.
std::shared_ptr<ResNet> resnet18(const ResNetOptions& options = {});
std::shared_ptr<ResNet> resnet34(const ResNetOptions& options = {});
std::shared_ptr<ResNet> resnet50(const ResNetOptions& options = {});

}  // namespace nnlab::nn
