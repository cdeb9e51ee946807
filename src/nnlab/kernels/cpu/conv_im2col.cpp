// float32 convolution gradients as matrix products over unfolded windows (im2col), for layers
// with few output pixels per image. There oneDNN's direct kernels split poorly (ResNet-18's last
// stage at 64x64 inputs, 512 channels on 2x2 maps: backward-weights at ~40 % of the sgemm
// ceiling, backward-data ~60 %, plus a reorder of the 9 MB weight each way), while the same work
// as one sgemm with K or M = N·OH·OW runs at ~90 % (bench_gemm BM_Im2col: 350-370 GFLOP/s).
// W8 with 2 threads: 245 -> 261 samples/s. The forward stays on oneDNN (at ~85 % there; the same
// product as an sgemm measured 4 % slower end to end), as do maps above 4x4 (8x8: 4 % slower).
// Legend as in kernels/conv.h; P = OH·OW, R = (C / G)·KH·KW (one window, unfolded), groups 1.
//   D (O, N·P)     = dout with the batch moved inside the channel: D[o, n·P + p] = dout[n, o, p]
//   cols (N·P, R)  = cols[n·P + p, (c, kh, kw)] = x[n, c, ih, iw] at the tap, 0 in the padding
//   dweight (O, R) = D · cols;  dbias[o] = Σ D[o, :]
//   dcols (N·P, R) = Dᵀ · weight, then dx[n, c, ih, iw] = Σ of dcols over the taps reading it.
#include <algorithm>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/kernels/cpu/conv_backends.h"
#include "nnlab/kernels/cpu/gemm_backends.h"
#include "nnlab/kernels/cpu/scratch.h"

namespace nnlab::kernels::cpu {
namespace {

std::int64_t unfolded(const Conv2dGeometry& g) { return g.in_channels * g.kernel_h * g.kernel_w; }

// Calls fn(column, c, ih, iw) for each tap of output pixel `pixel` (oh·OW + ow) that reads inside
// the image: column (c, kh, kw) of its unfolded row.
template <typename Fn>
void for_taps(const Conv2dGeometry& g, std::int64_t pixel, const Fn& fn) {
  const std::int64_t oh = pixel / g.out_w, ow = pixel % g.out_w;
  for (std::int64_t c = 0; c < g.in_channels; ++c) {
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
      const std::int64_t ih = oh * g.stride_h - g.pad_h + kh * g.dilation_h;
      if (ih < 0 || ih >= g.in_h) continue;
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const std::int64_t iw = ow * g.stride_w - g.pad_w + kw * g.dilation_w;
        if (iw >= 0 && iw < g.in_w) fn((c * g.kernel_h + kh) * g.kernel_w + kw, c, ih, iw);
      }
    }
  }
}

// Calls fn(n) for every image, threads splitting them.
template <typename Fn>
void for_images(const Conv2dGeometry& g, const Fn& fn) {
  parallel_for(0, g.batch, 1, [&](std::int64_t n0, std::int64_t n1) {
    for (std::int64_t n = n0; n < n1; ++n) fn(n);
  });
}

// D (O, N·P) from dout (N, O, P).
void gather_dout(const Conv2dGeometry& g, const float* dout, float* d) {
  const std::int64_t plane = g.out_h * g.out_w, columns = g.batch * plane;
  parallel_for(0, g.out_channels, std::max<std::int64_t>(1, (1 << 14) / columns),
               [&](std::int64_t o0, std::int64_t o1) {
                 for (std::int64_t o = o0; o < o1; ++o) {
                   for (std::int64_t n = 0; n < g.batch; ++n) {
                     std::copy_n(dout + (n * g.out_channels + o) * plane, plane, d + o * columns + n * plane);
                   }
                 }
               });
}

// cols (N·P, R) from x (N, C, H, W).
void unfold(const Conv2dGeometry& g, const float* x, float* cols) {
  const std::int64_t plane = g.out_h * g.out_w, r = unfolded(g);
  std::fill_n(cols, g.batch * plane * r, 0.0f);
  for_images(g, [&](std::int64_t n) {
    const float* image = x + n * g.in_channels * g.in_h * g.in_w;
    for (std::int64_t pixel = 0; pixel < plane; ++pixel) {
      float* row = cols + (n * plane + pixel) * r;
      for_taps(g, pixel, [&](std::int64_t column, std::int64_t c, std::int64_t ih, std::int64_t iw) {
        row[column] = image[(c * g.in_h + ih) * g.in_w + iw];
      });
    }
  });
}

}  // namespace

bool conv_im2col_suits(const Conv2dGeometry& g) {
  // Up to 4x4 output maps: ResNet-18's last two stages at 64x64 inputs. At 8x8 (128 channels)
  // the direct kernels already run near the ceiling and the unfolded copy would be 9x the input.
  return g.groups == 1 && g.out_h * g.out_w <= 16;
}

void conv2d_backward_im2col(const Conv2dGeometry& g, const float* dout, const float* weight, const float* x, float* dx,
                            float* dweight, float* dbias) {
  const std::int64_t plane = g.out_h * g.out_w, rows = g.batch * plane, r = unfolded(g);
  Scratch<float> d(g.out_channels * rows);
  gather_dout(g, dout, d.data());
  Scratch<float> cols(rows * r);
  if (dweight != nullptr) {
    unfold(g, x, cols.data());
    gemm_dnnl({.m = g.out_channels,
               .n = r,
               .k = rows,
               .a = d.data(),
               .lda = rows,
               .b = cols.data(),
               .ldb = r,
               .c = dweight,
               .ldc = r});
  }
  if (dbias != nullptr) {
    for (std::int64_t o = 0; o < g.out_channels; ++o) {
      double sum = 0.0;
      for (std::int64_t i = 0; i < rows; ++i) sum += static_cast<double>(d.data()[o * rows + i]);
      dbias[o] = static_cast<float>(sum);
    }
  }
  if (dx == nullptr) return;
  gemm_dnnl({.trans_a = true,
             .m = rows,
             .n = r,
             .k = g.out_channels,
             .a = d.data(),
             .lda = rows,
             .b = weight,
             .ldb = r,
             .c = cols.data(),
             .ldc = r});
  // An image's dx gathers only its own rows: threads split images.
  std::fill_n(dx, g.batch * g.in_channels * g.in_h * g.in_w, 0.0f);
  for_images(g, [&](std::int64_t n) {
    float* image = dx + n * g.in_channels * g.in_h * g.in_w;
    for (std::int64_t pixel = 0; pixel < plane; ++pixel) {
      const float* row = cols.data() + (n * plane + pixel) * r;
      for_taps(g, pixel, [&](std::int64_t column, std::int64_t c, std::int64_t ih, std::int64_t iw) {
        image[(c * g.in_h + ih) * g.in_w + iw] += row[column];
      });
    }
  });
}

}  // namespace nnlab::kernels::cpu
