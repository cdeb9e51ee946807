#pragma once
// 2-D pooling of NCHW images, semantics of torch.nn.functional.max_pool2d, avg_pool2d and
// adaptive_avg_pool2d (ceil_mode=False, dilation 1, avg_pool2d's count_include_pad=True).
#include <cstdint>
#include <optional>

#include "nnlab/ops/size2d.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// input (N, C, H, W) -> (N, C, H_out, W_out), or (C, H, W) -> (C, H_out, W_out), with (floor)
//   H_out = (H + 2·padding.h - kernel_size.h) / stride.h + 1, and W_out alike.
// stride defaults to kernel_size. Padding adds -inf (max) or zeros (avg) on both sides and may
// be at most half the kernel, as in PyTorch. max_pool2d keeps the argmax of every window for
// backward (the first maximum wins a tie; a NaN counts as the maximum); avg_pool2d divides by
// kernel_size.h·kernel_size.w, padding included. Any strides; float32 or float64.
// Throws ShapeError for a rank other than 3 or 4, an empty C, H or W, or an image smaller than
// the kernel (the message names the input shape and every parameter); ValueError for
// non-positive kernel_size or stride or a padding that is negative or over half the kernel.
// https://pytorch.org/docs/stable/generated/torch.nn.functional.max_pool2d.html
// https://pytorch.org/docs/stable/generated/torch.nn.functional.avg_pool2d.html
Tensor max_pool2d(const Tensor& input, Size2d kernel_size, std::optional<Size2d> stride = std::nullopt,
                  Size2d padding = 0);
Tensor avg_pool2d(const Tensor& input, Size2d kernel_size, std::optional<Size2d> stride = std::nullopt,
                  Size2d padding = 0);

// The shape max_pool2d and avg_pool2d return for an input of shape `input`, checked as they check
// it, without allocating anything (a model's shapes worked out before it is built).
Shape pool2d_output_shape(const Shape& input, Size2d kernel_size, std::optional<Size2d> stride = std::nullopt,
                          Size2d padding = 0);

// input (N, C, H, W) -> (N, C, output_size.h, output_size.w) (or 3-D alike): output row i
// averages input rows [floor(i·H / H_out), ceil((i + 1)·H / H_out)), and likewise for columns.
// output_size may exceed the input (windows then repeat). Throws ShapeError for a rank other
// than 3 or 4 or an empty C, H or W; ValueError for a non-positive output size.
// https://pytorch.org/docs/stable/generated/torch.nn.functional.adaptive_avg_pool2d.html
Tensor adaptive_avg_pool2d(const Tensor& input, Size2d output_size);
inline Tensor adaptive_avg_pool2d(const Tensor& input, std::int64_t out_h, std::int64_t out_w) {
  return adaptive_avg_pool2d(input, Size2d(out_h, out_w));
}
// The shape adaptive_avg_pool2d returns for an input of shape `input`, checked alike.
Shape adaptive_avg_pool2d_output_shape(const Shape& input, Size2d output_size);

}  // namespace nnlab::ops
