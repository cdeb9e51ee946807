#pragma once
// 2-D pooling kernels, semantics of torch.nn.functional.max_pool2d / avg_pool2d /
// adaptive_avg_pool2d (ceil_mode=False, dilation 1). Legend: N batch, C channels, H W input
// size, OH OW output size. Every view is contiguous: x and dx (N, C, H, W), out and dout
// (N, C, OH, OW), indices int64 (N, C, OH, OW). Own loops for float32 and float64 (no oneDNN):
// pooling reads each input about once, so it runs at memory speed either way.
#include <cstdint>

#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

struct Pool2dGeometry {
  std::int64_t batch = 0, channels = 0, in_h = 0, in_w = 0;
  std::int64_t out_h = 0, out_w = 0;
  // Window parameters of max and avg pooling; adaptive pooling ignores them.
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_h = 0, pad_w = 0;  // implicit -inf (max) or 0 (avg) on both sides
};

// out[n, c, oh, ow] = max over the window rows oh·stride - pad + [0, kernel) (clipped to the image),
// indices = the argmax as ih·W + iw within the (H, W) plane (PyTorch's convention). The first
// maximum wins a tie; a NaN counts as the maximum.
void max_pool2d_forward(const Pool2dGeometry& g, const ConstView& x, const MutView& out, const MutView& indices);
// dx = 0, then dx[n, c, indices[n, c, oh, ow]] += dout[n, c, oh, ow].
void max_pool2d_backward(const Pool2dGeometry& g, const ConstView& dout, const ConstView& indices, const MutView& dx);

// out = the sum over the window (clipped to the image) / (kernel_h · kernel_w): padding counts in
// the divisor (count_include_pad=True, PyTorch's default).
void avg_pool2d_forward(const Pool2dGeometry& g, const ConstView& x, const MutView& out);
// dx[ih, iw] = Σ over the windows containing (ih, iw) of dout / (kernel_h · kernel_w).
void avg_pool2d_backward(const Pool2dGeometry& g, const ConstView& dout, const MutView& dx);

// Output row oh averages input rows [floor(oh·H / OH), ceil((oh + 1)·H / OH)), and likewise
// for columns; windows may overlap when H is not a multiple of OH.
void adaptive_avg_pool2d_forward(const Pool2dGeometry& g, const ConstView& x, const MutView& out);
// dx[ih, iw] = Σ over the windows containing (ih, iw) of dout / (window area).
void adaptive_avg_pool2d_backward(const Pool2dGeometry& g, const ConstView& dout, const MutView& dx);

}  // namespace nnlab::kernels
