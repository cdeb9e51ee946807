// 2-D max, average and adaptive average pooling on CPU (legend in kernels/pool.h). One
// implementation, no oneDNN: every (n, c) plane is independent, so threads split the planes,
// and each backward owns the dx planes it writes (no atomics, same result for any thread count).
// Sums accumulate in double.
#include "nnlab/kernels/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nnlab/kernels/cpu/isa.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

// Element visits per thread chunk, at least.
constexpr std::int64_t kPoolGrain = 1 << 15;

// The window of one output, clipped to the image: rows [h0, h1), columns [w0, w1).
struct Window {
  std::int64_t h0, h1, w0, w1;
  std::int64_t area() const { return (h1 - h0) * (w1 - w0); }
};

Window pool_window(const Pool2dGeometry& g, std::int64_t oh, std::int64_t ow) {
  const std::int64_t hs = oh * g.stride_h - g.pad_h, ws = ow * g.stride_w - g.pad_w;
  return {std::max<std::int64_t>(hs, 0), std::min(hs + g.kernel_h, g.in_h), std::max<std::int64_t>(ws, 0),
          std::min(ws + g.kernel_w, g.in_w)};
}

// [floor(o·in / out), ceil((o + 1)·in / out)), PyTorch's adaptive window.
Window adaptive_window(const Pool2dGeometry& g, std::int64_t oh, std::int64_t ow) {
  return {oh * g.in_h / g.out_h, ((oh + 1) * g.in_h + g.out_h - 1) / g.out_h, ow * g.in_w / g.out_w,
          ((ow + 1) * g.in_w + g.out_w - 1) / g.out_w};
}

// Calls fn(plane) for every (n, c) plane, threads splitting the planes; `visits` is the work of one.
template <typename Fn>
void for_planes(const Pool2dGeometry& g, std::int64_t visits, const Fn& fn) {
  const std::int64_t grain = std::max<std::int64_t>(1, kPoolGrain / std::max<std::int64_t>(visits, 1));
  parallel_for(0, g.batch * g.channels, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t p = begin; p < end; ++p) fn(p);
  });
}

std::int64_t window_visits(const Pool2dGeometry& g) { return g.out_h * g.out_w * g.kernel_h * g.kernel_w; }
// Adaptive windows tile the input (overlapping by at most one row or column when OH <= H).
std::int64_t adaptive_visits(const Pool2dGeometry& g) { return std::max(g.in_h * g.in_w, g.out_h * g.out_w); }

// One row of 2x2 / stride-2 windows over input rows `top` and `bottom`, without the general
// window arithmetic: the same scan (row by row; a larger value or a NaN takes over, so the first
// maximum wins a tie) written as branch-free selects.
template <typename T>
NNLAB_ISA_CLONES void max_row_2x2(const T* __restrict top, const T* __restrict bottom, std::int64_t top_index,
                                  std::int64_t row_stride, std::int64_t out_w, T* __restrict out,
                                  std::int64_t* __restrict indices) {
  for (std::int64_t ow = 0; ow < out_w; ++ow) {
    const T a = top[2 * ow], b = top[2 * ow + 1], c = bottom[2 * ow], d = bottom[2 * ow + 1];
    const std::int64_t left = top_index + 2 * ow;
    T best = a;
    std::int64_t arg = left;
    const bool take_b = (b > best) | (b != b);
    best = take_b ? b : best;
    arg = take_b ? left + 1 : arg;
    const bool take_c = (c > best) | (c != c);
    best = take_c ? c : best;
    arg = take_c ? left + row_stride : arg;
    const bool take_d = (d > best) | (d != d);
    best = take_d ? d : best;
    arg = take_d ? left + row_stride + 1 : arg;
    out[ow] = best;
    indices[ow] = arg;
  }
}

// The general scan over one output row (any window, stride and padding): a larger value or a
// NaN takes over, as in PyTorch.
template <typename T>
void max_row_scan(const Pool2dGeometry& g, const T* xp, std::int64_t oh, T* out, std::int64_t* indices) {
  for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
    const Window w = pool_window(g, oh, ow);
    T best = -std::numeric_limits<T>::infinity();
    std::int64_t arg = w.h0 * g.in_w + w.w0;
    for (std::int64_t ih = w.h0; ih < w.h1; ++ih) {
      for (std::int64_t iw = w.w0; iw < w.w1; ++iw) {
        const T v = xp[ih * g.in_w + iw];
        if (v > best || std::isnan(v)) {  // the first max wins a tie
          best = v;
          arg = ih * g.in_w + iw;
        }
      }
    }
    out[ow] = best;
    indices[ow] = arg;
  }
}

template <typename T>
void max_forward_typed(const Pool2dGeometry& g, const T* x, T* out, std::int64_t* indices) {
  const bool two_by_two = g.kernel_h == 2 && g.kernel_w == 2 && g.stride_h == 2 && g.stride_w == 2 &&
                          g.pad_h == 0 && g.pad_w == 0;
  for_planes(g, window_visits(g), [&](std::int64_t p) {
    const T* xp = x + p * g.in_h * g.in_w;
    for (std::int64_t oh = 0; oh < g.out_h; ++oh) {
      const std::int64_t at = (p * g.out_h + oh) * g.out_w, top = 2 * oh * g.in_w;
      if (two_by_two) max_row_2x2(xp + top, xp + top + g.in_w, top, g.in_w, g.out_w, out + at, indices + at);
      else max_row_scan(g, xp, oh, out + at, indices + at);
    }
  });
}

template <typename T>
void max_backward_typed(const Pool2dGeometry& g, const T* dout, const std::int64_t* indices, T* dx) {
  const std::int64_t plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  for_planes(g, plane + out_plane, [&](std::int64_t p) {
    T* d = dx + p * plane;
    std::fill(d, d + plane, T(0));
    for (std::int64_t i = p * out_plane; i < (p + 1) * out_plane; ++i) d[indices[i]] += dout[i];
  });
}

// out = Σ window / divisor(window), for the avg (fixed kernel area) and adaptive (window area) forms.
// `visits`: the elements one plane's windows read, for the thread split.
template <typename T, typename WindowFn, typename DivisorFn>
void average_forward(const Pool2dGeometry& g, const T* x, T* out, std::int64_t visits, const WindowFn& window,
                     const DivisorFn& divisor) {
  for_planes(g, visits, [&](std::int64_t p) {
    const T* xp = x + p * g.in_h * g.in_w;
    for (std::int64_t oh = 0; oh < g.out_h; ++oh) {
      for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
        const Window w = window(oh, ow);
        double sum = 0.0;
        for (std::int64_t ih = w.h0; ih < w.h1; ++ih) {
          for (std::int64_t iw = w.w0; iw < w.w1; ++iw) sum += static_cast<double>(xp[ih * g.in_w + iw]);
        }
        out[(p * g.out_h + oh) * g.out_w + ow] = static_cast<T>(sum / static_cast<double>(divisor(w)));
      }
    }
  });
}

// dx = 0, then every window adds dout / divisor(window) to each of its inputs.
template <typename T, typename WindowFn, typename DivisorFn>
void average_backward(const Pool2dGeometry& g, const T* dout, T* dx, std::int64_t visits, const WindowFn& window,
                      const DivisorFn& divisor) {
  const std::int64_t plane = g.in_h * g.in_w;
  for_planes(g, plane + visits, [&](std::int64_t p) {
    T* d = dx + p * plane;
    std::fill(d, d + plane, T(0));
    for (std::int64_t oh = 0; oh < g.out_h; ++oh) {
      for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
        const Window w = window(oh, ow);
        const T share = static_cast<T>(static_cast<double>(dout[(p * g.out_h + oh) * g.out_w + ow]) /
                                       static_cast<double>(divisor(w)));
        for (std::int64_t ih = w.h0; ih < w.h1; ++ih) {
          for (std::int64_t iw = w.w0; iw < w.w1; ++iw) d[ih * g.in_w + iw] += share;
        }
      }
    }
  });
}

}  // namespace

void max_pool2d_forward(const Pool2dGeometry& g, const ConstView& x, const MutView& out, const MutView& indices) {
  NNLAB_DCHECK(x.is_contiguous() && out.is_contiguous() && indices.is_contiguous() && indices.dtype == DType::i64);
  cpu::dispatch_floating(
      x.dtype, [&]<typename T>() { max_forward_typed<T>(g, x.ptr<T>(), out.ptr<T>(), indices.ptr<std::int64_t>()); });
}

void max_pool2d_backward(const Pool2dGeometry& g, const ConstView& dout, const ConstView& indices, const MutView& dx) {
  NNLAB_DCHECK(dout.is_contiguous() && indices.is_contiguous() && dx.is_contiguous());
  cpu::dispatch_floating(dx.dtype, [&]<typename T>() {
    max_backward_typed<T>(g, dout.ptr<T>(), indices.ptr<std::int64_t>(), dx.ptr<T>());
  });
}

void avg_pool2d_forward(const Pool2dGeometry& g, const ConstView& x, const MutView& out) {
  NNLAB_DCHECK(x.is_contiguous() && out.is_contiguous());
  const auto window = [&](std::int64_t oh, std::int64_t ow) { return pool_window(g, oh, ow); };
  const auto divisor = [&](const Window&) { return g.kernel_h * g.kernel_w; };  // count_include_pad
  cpu::dispatch_floating(
      x.dtype, [&]<typename T>() { average_forward(g, x.ptr<T>(), out.ptr<T>(), window_visits(g), window, divisor); });
}

void avg_pool2d_backward(const Pool2dGeometry& g, const ConstView& dout, const MutView& dx) {
  NNLAB_DCHECK(dout.is_contiguous() && dx.is_contiguous());
  const auto window = [&](std::int64_t oh, std::int64_t ow) { return pool_window(g, oh, ow); };
  const auto divisor = [&](const Window&) { return g.kernel_h * g.kernel_w; };
  cpu::dispatch_floating(dx.dtype, [&]<typename T>() {
    average_backward(g, dout.ptr<T>(), dx.ptr<T>(), window_visits(g), window, divisor);
  });
}

void adaptive_avg_pool2d_forward(const Pool2dGeometry& g, const ConstView& x, const MutView& out) {
  NNLAB_DCHECK(x.is_contiguous() && out.is_contiguous());
  const auto window = [&](std::int64_t oh, std::int64_t ow) { return adaptive_window(g, oh, ow); };
  const auto divisor = [](const Window& w) { return w.area(); };
  cpu::dispatch_floating(x.dtype, [&]<typename T>() {
    average_forward(g, x.ptr<T>(), out.ptr<T>(), adaptive_visits(g), window, divisor);
  });
}

void adaptive_avg_pool2d_backward(const Pool2dGeometry& g, const ConstView& dout, const MutView& dx) {
  NNLAB_DCHECK(dout.is_contiguous() && dx.is_contiguous());
  const auto window = [&](std::int64_t oh, std::int64_t ow) { return adaptive_window(g, oh, ow); };
  const auto divisor = [](const Window& w) { return w.area(); };
  cpu::dispatch_floating(dx.dtype, [&]<typename T>() {
    average_backward(g, dout.ptr<T>(), dx.ptr<T>(), adaptive_visits(g), window, divisor);
  });
}

}  // namespace nnlab::kernels
