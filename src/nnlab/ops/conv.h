#pragma once
// 2-D convolution of NCHW images, semantics of torch.nn.functional.conv2d.
#include <cstdint>

#include "nnlab/ops/size2d.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

struct Conv2dParams {
  Size2d stride = 1;
  Size2d padding = 0;  // zeros added on both sides
  Size2d dilation = 1;
  std::int64_t groups = 1;
};

// input (N, C_in, H, W), weight (C_out, C_in / groups, kH, kW), bias (C_out) or an undefined
// Tensor for none -> (N, C_out, H_out, W_out), with (floor division)
//   H_out = (H + 2·padding.h - dilation.h·(kH - 1) - 1) / stride.h + 1, and W_out alike.
// The C_in channels form `groups` groups; output channels [g·C_out/groups, (g+1)·C_out/groups)
// see only input group g. A 3-D input (C_in, H, W) gives (C_out, H_out, W_out). Any strides;
// all float32 (oneDNN above a tiny size) or all float64 (direct loops). Gradients flow to
// input, weight and bias.
// Throws ShapeError for wrong ranks, channel counts or bias shape, or an image smaller than the
// dilated kernel (the message names the input shape and every parameter); ValueError for
// non-positive stride, dilation or groups or negative padding; DTypeError for int64 or mixed dtypes.
// https://pytorch.org/docs/stable/generated/torch.nn.functional.conv2d.html
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
              const Conv2dParams& params = {});

// The shape conv2d returns for an input and a weight of these shapes, checked as conv2d checks
// them, without allocating anything (a model's shapes worked out before it is built).
Shape conv2d_output_shape(const Shape& input, const Shape& weight, const Conv2dParams& params = {});

}  // namespace nnlab::ops
