#pragma once
// 2-D convolution kernels (dispatch: dtype and backend), semantics of torch.nn.functional.conv2d.
// Legend: N batch, C in_channels, H W input height and width, O out_channels, G groups,
// KH KW kernel height and width, OH OW output height and width. Every view is contiguous:
//   x (N, C, H, W), weight (O, C / G, KH, KW), bias (O), out (N, O, OH, OW).
// A view whose data is null means "none" (no bias, or a gradient nobody wants).
// float32 runs on oneDNN (cpu/conv_dnnl.cpp) above a small size, except the gradients of maps of
// at most 4x4 outputs (sgemm over unfolded windows, cpu/conv_im2col.cpp); float64 and tiny float32
// problems on direct loops (cpu/conv_reference.cpp). Callers (ops/) have validated the geometry.
#include <cstdint>
#include <memory>

#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

struct Conv2dGeometry {
  std::int64_t batch = 0, in_channels = 0, in_h = 0, in_w = 0;
  std::int64_t out_channels = 0, kernel_h = 0, kernel_w = 0;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_h = 0, pad_w = 0;  // zeros on both sides
  std::int64_t dilation_h = 1, dilation_w = 1;
  std::int64_t groups = 1;
  std::int64_t out_h = 0, out_w = 0;  // = (H + 2·pad - dilation·(K - 1) - 1) / stride + 1

  // The number of multiply-adds of the forward pass: N·O·OH·OW·(C / G)·KH·KW.
  std::int64_t macs() const;
  friend bool operator==(const Conv2dGeometry&, const Conv2dGeometry&) = default;
};

namespace cpu {
struct DnnlBuffer;
}

// What a forward leaves for the backward of the same call: the input as the backend converted it
// (oneDNN's blocked layout), so backward-weights need not convert it again. Empty on the loop
// backend, when the input needed no conversion, or when no backward will run.
struct Conv2dSaved {
  std::shared_ptr<const cpu::DnnlBuffer> input;
};

// out (N, O, OH, OW) = Σ_{c in group, kh, kw} weight[o, c, kh, kw] · x[n, c, oh·s - p + kh·d, ...]
//                      + bias[o], out-of-range x reading as 0. out is only written. When `saved` is
// non-null it receives what conv2d_backward may reuse.
void conv2d_forward(const Conv2dGeometry& g, const ConstView& x, const ConstView& weight, const ConstView& bias,
                    const MutView& out, Conv2dSaved* saved);

// The gradients of one forward, each written in full when its data is non-null:
//   dx (N, C, H, W) = the transposed convolution of dout (N, O, OH, OW) with weight (positions no
//     window reads get 0); weight may be "none" when dx is;
//   dweight (O, C / G, KH, KW) = Σ_{n, oh, ow} dout[n, o, oh, ow] · x[n, c, oh·s - p + kh·d, ...];
//   dbias (O) = Σ_{n, oh, ow} dout[n, o, oh, ow].
// x is read for dweight unless saved.input holds it (then x may be "none").
void conv2d_backward(const Conv2dGeometry& g, const ConstView& dout, const ConstView& weight, const ConstView& x,
                     const Conv2dSaved& saved, const MutView& dx, const MutView& dweight, const MutView& dbias);

enum class ConvBackend { reference, dnnl };

// The backend the two functions above use for `dtype` and `g` (the same for a forward and its
// backward); exposed for tests and benchmarks.
ConvBackend choose_conv_backend(DType dtype, const Conv2dGeometry& g);

}  // namespace nnlab::kernels
