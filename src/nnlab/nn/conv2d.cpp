// Conv2d layer: torch.nn.Conv2d's parameters, initialisation, repr and forward.
#include "nnlab/nn/conv2d.h"


#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/nn/init.h"
#include "nnlab/ops/conv.h"

namespace nnlab::nn {
namespace {

void check_options(const Conv2dOptions& o) {
  NNLAB_CHECK(o.in_channels > 0 && o.out_channels > 0, ValueError,
              "Conv2d: expected positive in_channels and out_channels, got in_channels={}, out_channels={}",
              o.in_channels, o.out_channels);
  NNLAB_CHECK(o.kernel_size.h > 0 && o.kernel_size.w > 0, ValueError, "Conv2d: expected positive kernel_size, got {}",
              o.kernel_size);
  NNLAB_CHECK(o.stride.h > 0 && o.stride.w > 0, ValueError, "Conv2d: expected positive stride, got {}", o.stride);
  NNLAB_CHECK(o.dilation.h > 0 && o.dilation.w > 0, ValueError, "Conv2d: expected positive dilation, got {}",
              o.dilation);
  NNLAB_CHECK(o.padding.h >= 0 && o.padding.w >= 0, ValueError, "Conv2d: expected non-negative padding, got {}",
              o.padding);
  NNLAB_CHECK(o.groups > 0, ValueError, "Conv2d: expected positive groups, got {}", o.groups);
  NNLAB_CHECK(o.in_channels % o.groups == 0 && o.out_channels % o.groups == 0, ValueError,
              "Conv2d: expected in_channels and out_channels divisible by groups={}, got in_channels={}, "
              "out_channels={}",
              o.groups, o.in_channels, o.out_channels);
}

}  // namespace

Conv2d::Conv2d(const Conv2dOptions& options) : options_(options) {
  check_options(options);
  // torch's draw, fan_in = in_channels / groups · kH · kW
  weight_ = Tensor::empty(
      {options.out_channels, options.in_channels / options.groups, options.kernel_size.h, options.kernel_size.w},
      options.dtype);
  if (options.bias) bias_ = Tensor::empty({options.out_channels}, options.dtype);
  init::layer_default_(weight_, bias_, options.rng != nullptr ? *options.rng : global_rng());
  weight_ = register_parameter("weight", weight_);
  if (options.bias) bias_ = register_parameter("bias", bias_);
}

Tensor Conv2d::forward(const Tensor& x) {
  const std::int64_t c = options_.in_channels;
  NNLAB_CHECK(x.defined() && (x.dim() == 4 || x.dim() == 3) && x.size(-3) == c, ShapeError,
              "{}: expected input of shape [N, {}, H, W] or [{}, H, W], got {}", describe(), c, c,
              x.defined() ? x.shape() : Shape{});
  return ops::conv2d(x, weight_, bias_,
                     {.stride = options_.stride,
                      .padding = options_.padding,
                      .dilation = options_.dilation,
                      .groups = options_.groups});
}

std::string Conv2d::describe() const {
  const Conv2dOptions& o = options_;
  std::string text =
      fmt::format("Conv2d({}, {}, kernel_size={}, stride={}", o.in_channels, o.out_channels, o.kernel_size, o.stride);
  if (o.padding != ops::Size2d(0)) text += fmt::format(", padding={}", o.padding);
  if (o.dilation != ops::Size2d(1)) text += fmt::format(", dilation={}", o.dilation);
  if (o.groups != 1) text += fmt::format(", groups={}", o.groups);
  if (!o.bias) text += ", bias=false";
  return text + ")";
}

}  // namespace nnlab::nn
