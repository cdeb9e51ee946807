// The weight gradient of a first layer: a 3x3, stride-1 convolution over a few input channels
// (an image's 1 or 3), where oneDNN either pads the channels to its 8- or 16-wide block or, on
// plain layouts, multiplies a (O x N·OH·OW) matrix by a (N·OH·OW x 9·C) one that is 9·C wide.
// Here each (output channel, input channel) pair keeps its nine sums in registers, vectors along
// a row of the output map:
//   acc[kh][kw][lane] += dout[n, o, y, x0 + lane] · x[n, c, y + kh - pad_h, x0 + lane + kw - pad_w]
// over n, y and the row's vectors, then the lanes are added up. x is copied once per image into a
// zero-padded plane, so the loop reads x in whole vectors with no bounds tests; dout is read in
// place. The order of every sum depends only on the geometry (threads split output channels), so
// results do not depend on the thread count.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/kernels/cpu/conv_backends.h"
#include "nnlab/kernels/cpu/isa.h"
#include "nnlab/kernels/cpu/scratch.h"

namespace nnlab::kernels::cpu {
namespace {

constexpr std::int64_t kLanes = 8;  // one AVX2 register of float32
constexpr std::int64_t kTaps = 9;   // 3 x 3

// kLanes floats; the nine sums and their operands fit AVX2's sixteen registers.
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
typedef std::int32_t LaneIndex __attribute__((vector_size(kLanes * sizeof(std::int32_t))));
#pragma GCC diagnostic ignored "-Wpsabi"  // Lanes never crosses a call: everything below is inlined

// kLanes floats at any address, read through a reference: a function returning a vector wider
// than the baseline's registers is refused by clang (its ABI would change).
typedef float UnalignedLanes __attribute__((vector_size(kLanes * sizeof(float)), aligned(4), may_alias));
[[gnu::always_inline]] inline const UnalignedLanes& at(const float* p) {
  return *reinterpret_cast<const UnalignedLanes*>(p);
}

std::int64_t round_up(std::int64_t n, std::int64_t to) { return (n + to - 1) / to * to; }

// The sums of one (output channel, input channel) pair over one image: acc (9 x kLanes) += the
// products of the dout plane d (OH rows of OW) and the padded x plane p (OH + 2 rows, `pitch`
// apart), vectors along OW; a row's last vector, when OW is not a multiple of kLanes, keeps only
// its lanes inside the row. With bias non-null, also bias (kLanes partial sums) += d.
NNLAB_ISA_CLONES void add_image(const float* d, std::int64_t out_h, std::int64_t out_w, const float* p,
                                std::int64_t pitch, float* acc, float* bias) {
  Lanes sums[kTaps];
  for (int t = 0; t < kTaps; ++t) sums[t] = at(acc + t * kLanes);
  Lanes bias_sum = bias != nullptr ? at(bias) : Lanes{};
  const LaneIndex lane = {0, 1, 2, 3, 4, 5, 6, 7};
  for (std::int64_t x0 = 0; x0 < out_w; x0 += kLanes) {
    const std::int64_t valid = std::min(kLanes, out_w - x0);
    for (std::int64_t y = 0; y < out_h; ++y) {
      Lanes dv;
      if (valid == kLanes) {
        dv = at(d + y * out_w + x0);
      } else if (y + 1 < out_h) {  // reads into the next row, whose lanes the select drops
        dv = lane < static_cast<std::int32_t>(valid) ? at(d + y * out_w + x0) : Lanes{};
      } else {  // the plane's last row may end the buffer: no read past it
        float tail[kLanes] = {};
        for (std::int64_t l = 0; l < valid; ++l) tail[l] = d[y * out_w + x0 + l];
        dv = at(tail);
      }
      bias_sum += dv;
      for (int kh = 0; kh < 3; ++kh) {
        const float* pr = p + (y + kh) * pitch + x0;
        for (int kw = 0; kw < 3; ++kw) sums[kh * 3 + kw] += dv * at(pr + kw);
      }
    }
  }
  std::memcpy(acc, sums, sizeof sums);
  if (bias != nullptr) std::memcpy(bias, &bias_sum, sizeof bias_sum);
}

}  // namespace

bool conv_first_layer_suits(const Conv2dGeometry& g) {
  return g.groups == 1 && g.in_channels < 8 && g.kernel_h == 3 && g.kernel_w == 3 && g.stride_h == 1 &&
         g.stride_w == 1 && g.dilation_h == 1 && g.dilation_w == 1 && g.pad_h <= 2 && g.pad_w <= 2;
}

void conv2d_backward_weights_first_layer(const Conv2dGeometry& g, const float* x, const float* dout, float* dweight,
                                         float* dbias) {
  const std::int64_t pitch = round_up(g.out_w, kLanes) + kLanes;  // the last vector reads 2 past OW
  const std::int64_t rows = g.out_h + 2;                          // x rows y - pad_h .. y - pad_h + 2 for every y
  const std::int64_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  NNLAB_DCHECK(g.pad_w + g.in_w <= pitch);   // in_w = out_w + 2 - 2 pad_w
  const std::int64_t pair = kTaps * kLanes;  // the sums of one (o, c) pair
  // Threads split output channels; each keeps its channels' sums over every image.
  parallel_for(0, g.out_channels, 1, [&](std::int64_t o_begin, std::int64_t o_end) {
    const std::int64_t sum_count = (o_end - o_begin) * g.in_channels * pair, bias_count = (o_end - o_begin) * kLanes;
    const std::int64_t padded = g.in_channels * rows * pitch;
    const Scratch<float> scratch(sum_count + bias_count + padded);
    float* const acc = scratch.data();
    float* const bias_sum = acc + sum_count;
    float* const padded_x = bias_sum + bias_count;
    std::fill_n(acc, sum_count + bias_count + padded, 0.0f);
    for (std::int64_t n = 0; n < g.batch; ++n) {
      // Row r of channel c's plane holds input row r - pad_h at columns pad_w .. pad_w + in_w.
      for (std::int64_t c = 0; c < g.in_channels; ++c) {
        float* plane = padded_x + c * rows * pitch;
        const float* from = x + (n * g.in_channels + c) * in_plane;
        for (std::int64_t r = 0; r < rows; ++r) {
          const std::int64_t iy = r - g.pad_h;
          if (iy < 0 || iy >= g.in_h) continue;  // stays zero
          std::copy_n(from + iy * g.in_w, g.in_w, plane + r * pitch + g.pad_w);
        }
      }
      for (std::int64_t o = o_begin; o < o_end; ++o) {
        const float* plane = dout + (n * g.out_channels + o) * out_plane;
        for (std::int64_t c = 0; c < g.in_channels; ++c) {
          add_image(plane, g.out_h, g.out_w, padded_x + c * rows * pitch, pitch,
                    acc + ((o - o_begin) * g.in_channels + c) * pair,
                    c == 0 ? bias_sum + (o - o_begin) * kLanes : nullptr);
        }
      }
    }
    for (std::int64_t o = o_begin; o < o_end; ++o) {
      for (std::int64_t c = 0; c < g.in_channels; ++c) {
        const float* sums = acc + ((o - o_begin) * g.in_channels + c) * pair;
        for (std::int64_t t = 0; t < kTaps; ++t) {
          float total = 0.0f;
          for (std::int64_t l = 0; l < kLanes; ++l) total += sums[t * kLanes + l];
          dweight[(o * g.in_channels + c) * kTaps + t] = total;
        }
      }
      if (dbias == nullptr) continue;
      float total = 0.0f;
      for (std::int64_t l = 0; l < kLanes; ++l) total += bias_sum[(o - o_begin) * kLanes + l];
      dbias[o] = total;
    }
  });
}

}  // namespace nnlab::kernels::cpu
