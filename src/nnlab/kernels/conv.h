#pragma once
// 2-D convolution kernels (dispatch: dtype and backend), semantics of torch.nn.functional.conv2d.
// Legend: N batch, C in_channels, H W input height and width, O out_channels, G groups,
// KH KW kernel height and width, OH OW output height and width. Every view is contiguous:
//   x (N, C, H, W), weight (O, C / G, KH, KW), bias (O), out (N, O, OH, OW).
// A view whose data is null means "none" (no bias, or a gradient nobody wants).
// float32 runs on oneDNN (cpu/conv_dnnl.cpp) above a small size, float64 and tiny float32
// problems on direct loops (cpu/conv_reference.cpp). Callers (ops/) have validated the geometry.
#include <cstdint>

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

// out (N, O, OH, OW) = Σ_{c in group, kh, kw} weight[o, c, kh, kw] · x[n, c, oh·s - p + kh·d, ...]
//                      + bias[o], out-of-range x reading as 0. out is only written.
void conv2d_forward(const Conv2dGeometry& g, const ConstView& x, const ConstView& weight, const ConstView& bias,
                    const MutView& out);

// dx (N, C, H, W) = the transposed convolution of dout (N, O, OH, OW) with weight. Written in full
// (positions no window reads get 0).
void conv2d_backward_data(const Conv2dGeometry& g, const ConstView& dout, const ConstView& weight, const MutView& dx);

// dweight (O, C / G, KH, KW) = Σ_{n, oh, ow} dout[n, o, oh, ow] · x[n, c, oh·s - p + kh·d, ...];
// dbias (O) = Σ_{n, oh, ow} dout[n, o, oh, ow]. Each is written only when its data is non-null.
void conv2d_backward_weights(const Conv2dGeometry& g, const ConstView& x, const ConstView& dout, const MutView& dweight,
                             const MutView& dbias);

enum class ConvBackend { reference, dnnl };

// The backend the three functions above use for `dtype` and `g`; exposed for tests and benchmarks.
ConvBackend choose_conv_backend(DType dtype, const Conv2dGeometry& g);

// The same three on a named backend (tests, benchmarks). dnnl takes float32 only.
void conv2d_forward(ConvBackend backend, const Conv2dGeometry& g, const ConstView& x, const ConstView& weight,
                    const ConstView& bias, const MutView& out);
void conv2d_backward_data(ConvBackend backend, const Conv2dGeometry& g, const ConstView& dout, const ConstView& weight,
                          const MutView& dx);
void conv2d_backward_weights(ConvBackend backend, const Conv2dGeometry& g, const ConstView& x, const ConstView& dout,
                             const MutView& dweight, const MutView& dbias);

}  // namespace nnlab::kernels
