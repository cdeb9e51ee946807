#pragma once
// Pooling layers, as torch.nn.MaxPool2d, AvgPool2d and AdaptiveAvgPool2d (ceil_mode=False,
// dilation 1, count_include_pad=True). Each forward is one call to ops/pool.h; no parameters.
#include <optional>

#include "nnlab/nn/module.h"
#include "nnlab/ops/size2d.h"

namespace nnlab::nn {

struct Pool2dOptions {
  ops::Size2d kernel_size = 0;                       // required; one number for a square window
  std::optional<ops::Size2d> stride = std::nullopt;  // nullopt: kernel_size, as torch's stride=None
  ops::Size2d padding = 0;                           // at most half the kernel
};
using MaxPool2dOptions = Pool2dOptions;
using AvgPool2dOptions = Pool2dOptions;

// x (N, C, H, W) or (C, H, W) -> the max of each window (ops::max_pool2d).
// Throws ValueError for a non-positive kernel_size or stride or a padding over half the kernel.
// https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html
class MaxPool2d final : public Module {
 public:
  explicit MaxPool2d(const MaxPool2dOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;  // "MaxPool2d(kernel_size=2, stride=2, padding=0)"

 private:
  MaxPool2dOptions options_;
};

// x (N, C, H, W) or (C, H, W) -> the mean of each window, padding counted (ops::avg_pool2d).
// Throws as MaxPool2d. https://pytorch.org/docs/stable/generated/torch.nn.AvgPool2d.html
class AvgPool2d final : public Module {
 public:
  explicit AvgPool2d(const AvgPool2dOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;  // "AvgPool2d(kernel_size=2, stride=2, padding=0)"

 private:
  AvgPool2dOptions options_;
};

struct AdaptiveAvgPool2dOptions {
  ops::Size2d output_size = 0;  // required; .output_size = 1 for global average pooling
};

// x (N, C, H, W) or (C, H, W) -> (N, C, output_size.h, output_size.w) (ops::adaptive_avg_pool2d).
// Throws ValueError for a non-positive output_size.
// https://pytorch.org/docs/stable/generated/torch.nn.AdaptiveAvgPool2d.html
class AdaptiveAvgPool2d final : public Module {
 public:
  explicit AdaptiveAvgPool2d(const AdaptiveAvgPool2dOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;  // "AdaptiveAvgPool2d(output_size=1)"

 private:
  AdaptiveAvgPool2dOptions options_;
};

}  // namespace nnlab::nn
