// ResNet's blocks and builders, following torchvision.models.resnet module for module.
#include "nnlab/nn/resnet.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnlab/core/check.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/conv2d.h"
#include "nnlab/nn/flatten.h"
#include "nnlab/nn/identity.h"
#include "nnlab/nn/init.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/pool.h"
#include "nnlab/nn/sequential.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/arithmetic.h"

namespace nnlab::nn {
namespace {

// A bias-free convolution initialised as torchvision's ResNet.__init__ does:
// kaiming_normal_(mode="fan_out", nonlinearity="relu"), i.e. N(0, 2 / (out_channels · k · k)).
// The Conv2d constructor's own uniform draw is overwritten, as in torchvision.
std::shared_ptr<Conv2d> conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                             std::int64_t padding, DType dtype, Rng& rng) {
  auto layer = std::make_shared<Conv2d>(Conv2dOptions{.in_channels = in,
                                                      .out_channels = out,
                                                      .kernel_size = kernel,
                                                      .stride = stride,
                                                      .padding = padding,
                                                      .bias = false,
                                                      .dtype = dtype,
                                                      .rng = &rng});
  init::kaiming_normal_(layer->weight(), rng, 0.0, init::FanMode::fan_out, "relu");
  return layer;
}

// BatchNorm2d with torch's defaults: weight 1, bias 0, eps 1e-5, momentum 0.1.
std::shared_ptr<BatchNorm2d> batch_norm(std::int64_t channels, DType dtype) {
  return std::make_shared<BatchNorm2d>(BatchNorm2dOptions{.num_features = channels, .dtype = dtype});
}

void check_block(const ResidualBlockOptions& o, const char* block) {
  NNLAB_CHECK(o.in_channels > 0 && o.planes > 0 && o.stride > 0, ValueError,
              "{}: expected positive in_channels, planes and stride, got in_channels={}, planes={}, stride={}", block,
              o.in_channels, o.planes, o.stride);
}

// torchvision's _make_layer shortcut: a strided 1x1 conv and a BatchNorm2d, as Sequential "0", "1",
// when the block changes the resolution or the width; null (identity shortcut) otherwise.
std::shared_ptr<Module> downsample(const ResidualBlockOptions& o, std::int64_t out_channels, Rng& rng) {
  if (o.stride == 1 && o.in_channels == out_channels) return nullptr;
  auto shortcut = std::make_shared<Sequential>();
  shortcut->push_back(conv(o.in_channels, out_channels, 1, o.stride, 0, o.dtype, rng));
  shortcut->push_back(batch_norm(out_channels, o.dtype));
  return shortcut;
}

Rng& rng_of(Rng* rng) { return rng != nullptr ? *rng : global_rng(); }

}  // namespace

BasicBlock::BasicBlock(const ResidualBlockOptions& options) : options_(options) {
  check_block(options, "BasicBlock");
  Rng& rng = rng_of(options.rng);
  const std::int64_t planes = options.planes;
  // Registration order is torchvision's __init__ order, so state() lists tensors as its state_dict.
  conv1_ = register_module("conv1", conv(options.in_channels, planes, 3, options.stride, 1, options.dtype, rng));
  bn1_ = register_module("bn1", batch_norm(planes, options.dtype));
  register_module("relu", std::make_shared<ReLU>());
  conv2_ = register_module("conv2", conv(planes, planes, 3, 1, 1, options.dtype, rng));
  bn2_ = register_module("bn2", batch_norm(planes, options.dtype));
  downsample_ = downsample(options, planes * kExpansion, rng);
  if (downsample_ != nullptr) register_module("downsample", downsample_);
}

Tensor BasicBlock::forward(const Tensor& x) {
  Tensor out = ops::relu(bn1_->forward(conv1_->forward(x)));
  out = bn2_->forward(conv2_->forward(out));
  const Tensor identity = downsample_ != nullptr ? downsample_->forward(x) : x;
  return ops::relu(ops::add(out, identity));
}

std::string BasicBlock::describe() const {
  return fmt::format("BasicBlock({}, {}, stride={})", options_.in_channels, options_.planes, options_.stride);
}

Bottleneck::Bottleneck(const ResidualBlockOptions& options) : options_(options) {
  check_block(options, "Bottleneck");
  Rng& rng = rng_of(options.rng);
  const std::int64_t width = options.planes;  // torchvision: planes * base_width / 64 * groups, = planes here
  const std::int64_t out = options.planes * kExpansion;
  conv1_ = register_module("conv1", conv(options.in_channels, width, 1, 1, 0, options.dtype, rng));
  bn1_ = register_module("bn1", batch_norm(width, options.dtype));
  conv2_ = register_module("conv2", conv(width, width, 3, options.stride, 1, options.dtype, rng));
  bn2_ = register_module("bn2", batch_norm(width, options.dtype));
  conv3_ = register_module("conv3", conv(width, out, 1, 1, 0, options.dtype, rng));
  bn3_ = register_module("bn3", batch_norm(out, options.dtype));
  register_module("relu", std::make_shared<ReLU>());
  downsample_ = downsample(options, out, rng);
  if (downsample_ != nullptr) register_module("downsample", downsample_);
}

Tensor Bottleneck::forward(const Tensor& x) {
  Tensor out = ops::relu(bn1_->forward(conv1_->forward(x)));
  out = ops::relu(bn2_->forward(conv2_->forward(out)));
  out = bn3_->forward(conv3_->forward(out));
  const Tensor identity = downsample_ != nullptr ? downsample_->forward(x) : x;
  return ops::relu(ops::add(out, identity));
}

std::string Bottleneck::describe() const {
  return fmt::format("Bottleneck({}, {}, stride={})", options_.in_channels, options_.planes, options_.stride);
}

ResNet::ResNet(ResNetBlock block, const std::array<std::int64_t, 4>& blocks, const ResNetOptions& options)
    : block_(block), blocks_(blocks), options_(options) {
  NNLAB_CHECK(options.num_classes > 0 && options.in_channels > 0, ValueError,
              "ResNet: expected positive num_classes and in_channels, got num_classes={}, in_channels={}",
              options.num_classes, options.in_channels);
  for (std::int64_t count : blocks) {
    NNLAB_CHECK(count > 0, ValueError, "ResNet: expected a positive number of blocks per layer, got {}",
                fmt::join(blocks, ", "));
  }
  Rng& rng = rng_of(options.rng);
  const DType dtype = options.dtype;
  if (options.small_images) {
    register_module("conv1", conv(options.in_channels, 64, 3, 1, 1, dtype, rng));
  } else {
    register_module("conv1", conv(options.in_channels, 64, 7, 2, 3, dtype, rng));
  }
  register_module("bn1", batch_norm(64, dtype));
  register_module("relu", std::make_shared<ReLU>());
  // The CIFAR-style stem keeps the name: torchvision users write `model.maxpool = nn.Identity()`.
  if (options.small_images) {
    register_module("maxpool", std::make_shared<Identity>());
  } else {
    register_module("maxpool",
                    std::make_shared<MaxPool2d>(MaxPool2dOptions{.kernel_size = 3, .stride = 2, .padding = 1}));
  }
  register_module("layer1", make_layer(64, blocks[0], 1, rng));
  register_module("layer2", make_layer(128, blocks[1], 2, rng));
  register_module("layer3", make_layer(256, blocks[2], 2, rng));
  register_module("layer4", make_layer(512, blocks[3], 2, rng));
  register_module("avgpool", std::make_shared<AdaptiveAvgPool2d>(AdaptiveAvgPool2dOptions{.output_size = 1}));
  register_module("flatten", std::make_shared<Flatten>());  // torchvision: torch.flatten(x, 1) in forward
  register_module("fc",
                  std::make_shared<Linear>(LinearOptions{
                      .in_features = in_planes_, .out_features = options.num_classes, .dtype = dtype, .rng = &rng}));
}

std::shared_ptr<Module> ResNet::make_layer(std::int64_t planes, std::int64_t count, std::int64_t stride, Rng& rng) {
  auto layer = std::make_shared<Sequential>();
  for (std::int64_t i = 0; i < count; ++i) {
    const ResidualBlockOptions o{.in_channels = in_planes_,
                                 .planes = planes,
                                 .stride = i == 0 ? stride : 1,
                                 .dtype = options_.dtype,
                                 .rng = &rng};
    if (block_ == ResNetBlock::basic) {
      layer->push_back(std::make_shared<BasicBlock>(o));
      in_planes_ = planes * BasicBlock::kExpansion;
    } else {
      layer->push_back(std::make_shared<Bottleneck>(o));
      in_planes_ = planes * Bottleneck::kExpansion;
    }
  }
  return layer;
}

Tensor ResNet::forward(const Tensor& x) { return children().back().second->forward(features(x)); }

Tensor ResNet::features(const Tensor& x) {
  NNLAB_CHECK(x.defined() && x.dim() == 4 && x.size(1) == options_.in_channels, ShapeError,
              "ResNet: expected input of shape [N, {}, H, W], got {}", options_.in_channels,
              x.defined() ? x.shape() : Shape{});
  Tensor out = x;
  for (std::size_t i = 0; i + 1 < children().size(); ++i) out = children()[i].second->forward(out);  // all but fc
  return out;
}

std::string ResNet::describe() const {
  return fmt::format("ResNet({}, blocks=[{}], num_classes={}, in_channels={}, small_images={})",
                     block_ == ResNetBlock::basic ? "BasicBlock" : "Bottleneck", fmt::join(blocks_, ", "),
                     options_.num_classes, options_.in_channels, options_.small_images);
}

std::shared_ptr<ResNet> resnet18(const ResNetOptions& options) {
  return std::make_shared<ResNet>(ResNetBlock::basic, std::array<std::int64_t, 4>{2, 2, 2, 2}, options);
}

std::shared_ptr<ResNet> resnet34(const ResNetOptions& options) {
  return std::make_shared<ResNet>(ResNetBlock::basic, std::array<std::int64_t, 4>{3, 4, 6, 3}, options);
}

std::shared_ptr<ResNet> resnet50(const ResNetOptions& options) {
  return std::make_shared<ResNet>(ResNetBlock::bottleneck, std::array<std::int64_t, 4>{3, 4, 6, 3}, options);
}

}  // namespace nnlab::nn
