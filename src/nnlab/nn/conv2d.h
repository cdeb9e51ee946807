#pragma once
// Conv2d: 2-D convolution layer, as torch.nn.Conv2d (zero padding).
#include <cstdint>

#include "nnlab/core/rng.h"
#include "nnlab/nn/module.h"
#include "nnlab/ops/size2d.h"

namespace nnlab::nn {

struct Conv2dOptions {
  std::int64_t in_channels = 0;
  std::int64_t out_channels = 0;
  ops::Size2d kernel_size = 0;  // required; one number for a square kernel: .kernel_size = 3
  ops::Size2d stride = 1;
  ops::Size2d padding = 0;
  ops::Size2d dilation = 1;
  std::int64_t groups = 1;
  bool bias = true;
  DType dtype = DType::f32;
  Rng* rng = nullptr;  // the initialisation draws; null means global_rng()
};

// Parameters "weight" (out_channels, in_channels / groups, kH, kW) and "bias" (out_channels),
// both drawn from U(±1/sqrt(fan_in)), fan_in = in_channels / groups · kH · kW.
// x (N, in_channels, H, W) -> (N, out_channels, H_out, W_out) as ops::conv2d; a 3-D
// (in_channels, H, W) input gives (out_channels, H_out, W_out).
// Throws ValueError for non-positive sizes, stride, dilation or groups, negative padding, or
// channel counts groups does not divide; forward throws ShapeError naming the layer.
// https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html
class Conv2d final : public Module {
 public:
  explicit Conv2d(const Conv2dOptions& options);
  Tensor forward(const Tensor& x) override;
  // torch's repr: "Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"; padding,
  // dilation, groups and bias appear only when not their defaults.
  std::string describe() const override;

  const Conv2dOptions& options() const { return options_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined when options.bias is false

 private:
  Conv2dOptions options_;
  Tensor weight_;
  Tensor bias_;
};

}  // namespace nnlab::nn
