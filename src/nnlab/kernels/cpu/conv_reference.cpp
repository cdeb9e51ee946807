// Direct 2-D convolution loops (legend in kernels/conv.h). Each thread owns whole output planes
// (forward), input planes (backward-data) or weight rows (backward-weights) and sums in double,
// so the result does not depend on the thread count. For one kernel tap (kh, kw) the loops run
// only over the outputs whose input lies inside the image, so the inner loop has no branch.
#include <algorithm>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/kernels/cpu/conv_backends.h"

namespace nnlab::kernels::cpu {
namespace {

// Multiply-adds per thread chunk, at least; below it waking a thread costs more than it saves.
constexpr std::int64_t kConvGrain = 1 << 15;

// Outputs o in [begin, end) whose input index o·stride + offset lies in [0, in_size).
struct Range {
  std::int64_t begin = 0, end = 0;
};

Range valid_outputs(std::int64_t out_size, std::int64_t in_size, std::int64_t stride, std::int64_t offset) {
  const std::int64_t begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const std::int64_t last = in_size - 1 - offset;  // the largest o·stride allowed
  const std::int64_t end = last < 0 ? 0 : std::min(out_size, last / stride + 1);
  return {std::min(begin, out_size), std::max(std::min(begin, out_size), end)};
}

// One kernel tap: input (ih, iw) = (oh·stride_h + row_offset, ow·stride_w + col_offset) for the
// outputs in rows × cols, which are exactly those whose input is inside the image.
struct Tap {
  Range rows, cols;
  std::int64_t row_offset = 0, col_offset = 0;
};

Tap make_tap(const Conv2dGeometry& g, std::int64_t kh, std::int64_t kw) {
  Tap t;
  t.row_offset = kh * g.dilation_h - g.pad_h;
  t.col_offset = kw * g.dilation_w - g.pad_w;
  t.rows = valid_outputs(g.out_h, g.in_h, g.stride_h, t.row_offset);
  t.cols = valid_outputs(g.out_w, g.in_w, g.stride_w, t.col_offset);
  return t;
}

// Calls fn(begin, end) over [0, count) items of `macs_per_item` multiply-adds each.
template <typename Fn>
void for_items(std::int64_t count, std::int64_t macs_per_item, const Fn& fn) {
  parallel_for(0, count, std::max<std::int64_t>(1, kConvGrain / std::max<std::int64_t>(macs_per_item, 1)), fn);
}

// One output plane (OH, OW) of image n, channel o: acc = bias + Σ_c Σ_taps w · x.
// x_group (C / G, H, W): image n's channels of o's group; w_o (C / G, KH, KW).
template <typename T>
void forward_plane(const Conv2dGeometry& g, const T* x_group, const T* w_o, double init, std::vector<double>& acc) {
  std::fill(acc.begin(), acc.end(), init);
  const std::int64_t channels = g.in_channels / g.groups;
  for (std::int64_t c = 0; c < channels; ++c) {
    const T* xc = x_group + c * g.in_h * g.in_w;
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const double w = w_o[(c * g.kernel_h + kh) * g.kernel_w + kw];
        const Tap t = make_tap(g, kh, kw);
        for (std::int64_t oh = t.rows.begin; oh < t.rows.end; ++oh) {
          const T* x_row = xc + (oh * g.stride_h + t.row_offset) * g.in_w + t.col_offset;
          double* a = acc.data() + oh * g.out_w;
          for (std::int64_t ow = t.cols.begin; ow < t.cols.end; ++ow) a[ow] += w * x_row[ow * g.stride_w];
        }
      }
    }
  }
}

// One input-gradient plane (H, W) of image n, channel c (index c_in_group within its group):
// acc[ih, iw] = Σ_{o in group} Σ_taps w[o, c, kh, kw] · dout[n, o, oh, ow] over the outputs reading it.
template <typename T>
void backward_data_plane(const Conv2dGeometry& g, const T* dout_n, const T* weight, std::int64_t c,
                         std::vector<double>& acc) {
  std::fill(acc.begin(), acc.end(), 0.0);
  const std::int64_t c_per_group = g.in_channels / g.groups, o_per_group = g.out_channels / g.groups;
  const std::int64_t group = c / c_per_group, c_in_group = c % c_per_group;
  for (std::int64_t o = group * o_per_group; o < (group + 1) * o_per_group; ++o) {
    const T* d = dout_n + o * g.out_h * g.out_w;
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const double w = weight[((o * c_per_group + c_in_group) * g.kernel_h + kh) * g.kernel_w + kw];
        const Tap t = make_tap(g, kh, kw);
        for (std::int64_t oh = t.rows.begin; oh < t.rows.end; ++oh) {
          double* a = acc.data() + (oh * g.stride_h + t.row_offset) * g.in_w + t.col_offset;
          const T* d_row = d + oh * g.out_w;
          for (std::int64_t ow = t.cols.begin; ow < t.cols.end; ++ow) a[ow * g.stride_w] += w * d_row[ow];
        }
      }
    }
  }
}

// dweight[o, c, kh, kw] = Σ_n Σ_{oh, ow} dout[n, o, oh, ow] · x[n, group·C/G + c, ih, iw].
template <typename T>
double weight_gradient(const Conv2dGeometry& g, const T* x, const T* dout, std::int64_t o, std::int64_t c,
                       std::int64_t kh, std::int64_t kw) {
  const std::int64_t c_per_group = g.in_channels / g.groups;
  const std::int64_t channel = o / (g.out_channels / g.groups) * c_per_group + c;
  const Tap t = make_tap(g, kh, kw);
  double sum = 0.0;
  for (std::int64_t n = 0; n < g.batch; ++n) {
    const T* xc = x + (n * g.in_channels + channel) * g.in_h * g.in_w;
    const T* d = dout + (n * g.out_channels + o) * g.out_h * g.out_w;
    for (std::int64_t oh = t.rows.begin; oh < t.rows.end; ++oh) {
      const T* x_row = xc + (oh * g.stride_h + t.row_offset) * g.in_w + t.col_offset;
      const T* d_row = d + oh * g.out_w;
      for (std::int64_t ow = t.cols.begin; ow < t.cols.end; ++ow) {
        sum += static_cast<double>(d_row[ow]) * static_cast<double>(x_row[ow * g.stride_w]);
      }
    }
  }
  return sum;
}

}  // namespace

// out (N, O, OH, OW): one thread per run of (n, o) planes.
template <typename T>
void conv2d_forward_reference(const Conv2dGeometry& g, const T* x, const T* weight, const T* bias, T* out) {
  const std::int64_t plane = g.out_h * g.out_w, c_per_group = g.in_channels / g.groups;
  const std::int64_t o_per_group = g.out_channels / g.groups;
  const std::int64_t macs = plane * c_per_group * g.kernel_h * g.kernel_w;
  for_items(g.batch * g.out_channels, macs, [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> acc(static_cast<std::size_t>(plane));
    for (std::int64_t item = begin; item < end; ++item) {
      const std::int64_t n = item / g.out_channels, o = item % g.out_channels;
      const T* x_group = x + (n * g.in_channels + o / o_per_group * c_per_group) * g.in_h * g.in_w;
      const T* w_o = weight + o * c_per_group * g.kernel_h * g.kernel_w;
      forward_plane(g, x_group, w_o, bias != nullptr ? static_cast<double>(bias[o]) : 0.0, acc);
      T* dst = out + item * plane;
      for (std::int64_t i = 0; i < plane; ++i) dst[i] = static_cast<T>(acc[static_cast<std::size_t>(i)]);
    }
  });
}

// dx (N, C, H, W): one thread per run of (n, c) planes.
template <typename T>
void conv2d_backward_data_reference(const Conv2dGeometry& g, const T* dout, const T* weight, T* dx) {
  const std::int64_t plane = g.in_h * g.in_w;
  const std::int64_t macs = g.out_h * g.out_w * (g.out_channels / g.groups) * g.kernel_h * g.kernel_w;
  for_items(g.batch * g.in_channels, macs, [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> acc(static_cast<std::size_t>(plane));
    for (std::int64_t item = begin; item < end; ++item) {
      const std::int64_t n = item / g.in_channels, c = item % g.in_channels;
      backward_data_plane(g, dout + n * g.out_channels * g.out_h * g.out_w, weight, c, acc);
      T* dst = dx + item * plane;
      for (std::int64_t i = 0; i < plane; ++i) dst[i] = static_cast<T>(acc[static_cast<std::size_t>(i)]);
    }
  });
}

// dweight (O, C / G, KH, KW) and dbias (O): one thread per run of output channels o.
template <typename T>
void conv2d_backward_weights_reference(const Conv2dGeometry& g, const T* x, const T* dout, T* dweight, T* dbias) {
  const std::int64_t c_per_group = g.in_channels / g.groups, plane = g.out_h * g.out_w;
  const std::int64_t taps = c_per_group * g.kernel_h * g.kernel_w;
  for_items(g.out_channels, g.batch * plane * (taps + 1), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t o = begin; o < end; ++o) {
      if (dbias != nullptr) {
        double sum = 0.0;
        for (std::int64_t n = 0; n < g.batch; ++n) {
          const T* d = dout + (n * g.out_channels + o) * plane;
          for (std::int64_t i = 0; i < plane; ++i) sum += static_cast<double>(d[i]);
        }
        dbias[o] = static_cast<T>(sum);
      }
      if (dweight == nullptr) continue;
      for (std::int64_t c = 0; c < c_per_group; ++c) {
        for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
          for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
            dweight[((o * c_per_group + c) * g.kernel_h + kh) * g.kernel_w + kw] =
                static_cast<T>(weight_gradient(g, x, dout, o, c, kh, kw));
          }
        }
      }
    }
  });
}

// Explicit instantiations keep the templates out of the header.
template void conv2d_forward_reference<float>(const Conv2dGeometry&, const float*, const float*, const float*, float*);
template void conv2d_forward_reference<double>(const Conv2dGeometry&, const double*, const double*, const double*,
                                               double*);
template void conv2d_backward_data_reference<float>(const Conv2dGeometry&, const float*, const float*, float*);
template void conv2d_backward_data_reference<double>(const Conv2dGeometry&, const double*, const double*, double*);
template void conv2d_backward_weights_reference<float>(const Conv2dGeometry&, const float*, const float*, float*,
                                                       float*);
template void conv2d_backward_weights_reference<double>(const Conv2dGeometry&, const double*, const double*, double*,
                                                        double*);

}  // namespace nnlab::kernels::cpu
