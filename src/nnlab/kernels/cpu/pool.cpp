// 2-D max, average and adaptive average pooling on CPU (legend in kernels/pool.h). One
// implementation, no oneDNN: every (n, c) plane is independent, so threads split the planes,
// and each backward owns the dx planes it writes (no atomics, same result for any thread count).
// Sums accumulate in double. Max pooling runs its unclipped windows in vector blocks
// (max_plane_2x2, max_plane_interior), bit for bit what the scalar scan max_row_scan gives.
#include "nnlab/kernels/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

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

// Planes per thread chunk: at least kPoolGrain element visits; `visits` is the work of one.
std::int64_t plane_grain(std::int64_t visits) {
  return std::max<std::int64_t>(1, kPoolGrain / std::max<std::int64_t>(visits, 1));
}

// Calls fn(plane) for every (n, c) plane, threads splitting the planes.
template <typename Fn>
void for_planes(const Pool2dGeometry& g, std::int64_t visits, const Fn& fn) {
  parallel_for(0, g.batch * g.channels, plane_grain(visits), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t p = begin; p < end; ++p) fn(p);
  });
}

std::int64_t window_visits(const Pool2dGeometry& g) { return g.out_h * g.out_w * g.kernel_h * g.kernel_w; }
// Adaptive windows tile the input (overlapping by at most one row or column when OH <= H).
std::int64_t adaptive_visits(const Pool2dGeometry& g) { return std::max(g.in_h * g.in_w, g.out_h * g.out_w); }

// The general scan over outputs [begin, end) of row oh (any window, stride and padding): a
// larger value or a NaN takes over, as in PyTorch. The reference the fast path must match.
template <typename T>
void max_row_scan(const Pool2dGeometry& g, const T* xp, std::int64_t oh, std::int64_t begin, std::int64_t end, T* out,
                  std::int64_t* indices) {
  for (std::int64_t ow = begin; ow < end; ++ow) {
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

// Calls block.template operator()<B>(start) on blocks [start, start + B) that cover [begin, end),
// B the largest of kMax, kMax / 2, ..., 1 that fits. The last block is shifted back to end at
// `end` and recomputes a few outputs (to the same values): runs of outputs are short (W8's 15
// interior outputs a row, W5's 9 a plane), and a vector loop's scalar tail would take most of
// them. The blocks' loops carry `#pragma GCC unroll 1`: GCC otherwise unrolls them completely
// before its vectoriser sees them and leaves scalar, branchy code.
template <std::int64_t kMax, typename Block>
[[gnu::always_inline]] inline void for_each_block(std::int64_t begin, std::int64_t end, const Block& block) {
  if constexpr (kMax > 1) {
    if (end - begin < kMax) return for_each_block<kMax / 2>(begin, end, block);
  }
  for (std::int64_t start = begin; start < end; start += kMax) {
    block.template operator()<kMax>(std::min(start, end - kMax));
  }
}

// The fast path's argmax while comparing: as wide as T, so masks need no conversion in vector
// code (float planes of up to 2^31 elements: max_forward_typed checks).
template <typename T>
using FastIndex = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;

// Splits the columns of one (H, W) plane by their remainder mod kStride: phase q holds
// columns q, q + kStride, ... of every row, rows ceil(W / kStride) long, the phases one after
// another. Then each tap of a row of stride-kStride windows reads a unit-stride run.
template <std::int64_t kStride, typename T>
NNLAB_ISA_CLONES_TEMPLATE void split_columns(const T* __restrict xp, std::int64_t in_h, std::int64_t in_w,
                                    T* __restrict phases) {
  const std::int64_t run = (in_w + kStride - 1) / kStride, phase_size = in_h * run;
  if (in_w % kStride == 0) {  // rows hold whole groups: one flat loop over the plane
    for (std::int64_t k = 0; k < phase_size; ++k) {
      for (std::int64_t q = 0; q < kStride; ++q) phases[q * phase_size + k] = xp[k * kStride + q];
    }
    return;
  }
  for (std::int64_t ih = 0; ih < in_h; ++ih) {
    for (std::int64_t iw = 0; iw < in_w; ++iw) {
      phases[iw % kStride * phase_size + ih * run + iw / kStride] = xp[ih * in_w + iw];
    }
  }
}

// Output columns [begin, end) whose windows are not clipped horizontally: ow·stride - pad >= 0
// and ow·stride - pad + kernel <= W (none when W < kernel - pad).
struct Interior {
  std::int64_t begin, end;
};

Interior interior_columns(const Pool2dGeometry& g) {
  const std::int64_t begin = std::min((g.pad_w + g.stride_w - 1) / g.stride_w, g.out_w);
  const std::int64_t last = g.in_w + g.pad_w - g.kernel_w;
  return {begin, last < 0 ? begin : std::clamp(last / g.stride_w + 1, begin, g.out_w)};
}

// The interior outputs of one plane, stride kStride (1: `columns` is x; 2: split_columns' phases)
// in blocks: taps in row-major order outside, the block's outputs inside, as branch-free selects.
// Each output sees max_row_scan's comparisons in the same order (rows [h0, h1) being the
// vertically clipped window, as there), so values and indices are identical. No calls inside:
// with calls to max_row_scan here, GCC 12 put no vzeroupper in the clones at all, and the SSE
// code run after them (max_backward_typed's scatter) was 2.5x slower with dirty upper halves.
template <std::int64_t kStride, typename T>
NNLAB_ISA_CLONES_TEMPLATE void max_plane_interior(const Pool2dGeometry& g, Interior interior, const T* __restrict columns,
                                         T* __restrict out, std::int64_t* __restrict indices) {
  using Index = FastIndex<T>;
  const std::int64_t in_h = g.in_h, in_w = g.in_w, kernel_w = g.kernel_w, pad_w = g.pad_w, out_w = g.out_w;
  const std::int64_t run = (in_w + kStride - 1) / kStride, phase_size = in_h * run;
  for (std::int64_t oh = 0; oh < g.out_h; ++oh) {
    const std::int64_t hs = oh * g.stride_h - g.pad_h;
    const std::int64_t h0 = std::max<std::int64_t>(hs, 0), h1 = std::min(hs + g.kernel_h, in_h);
    T* out_row = out + oh * out_w;
    std::int64_t* indices_row = indices + oh * out_w;
    const auto block = [&]<std::int64_t kBlock>(std::int64_t start) __attribute__((always_inline)) {
      const std::int64_t w0 = start * kStride - pad_w;  // >= 0: the first column of output `start`'s window
      T best[kBlock];
      Index arg[kBlock];
#pragma GCC unroll 1
      for (std::int64_t i = 0; i < kBlock; ++i) {
        best[i] = -std::numeric_limits<T>::infinity();
        arg[i] = static_cast<Index>(h0 * in_w + w0 + i * kStride);
      }
      for (std::int64_t ih = h0; ih < h1; ++ih) {
        for (std::int64_t kw = 0; kw < kernel_w; ++kw) {
          // Tap (ih, kw) of output start + i is at column + i·stride; unsigned: % and / are a mask and a shift.
          const auto column = static_cast<std::uint64_t>(w0 + kw);
          const T* taps = columns + static_cast<std::int64_t>(column % kStride) * phase_size + ih * run +
                          static_cast<std::int64_t>(column / kStride);
          const auto at = static_cast<Index>(ih * in_w + static_cast<std::int64_t>(column));
#pragma GCC unroll 1
          for (std::int64_t i = 0; i < kBlock; ++i) {
            const T v = taps[i];
            const bool take = (v > best[i]) | (v != v);
            best[i] = take ? v : best[i];
            arg[i] = take ? static_cast<Index>(at + i * kStride) : arg[i];
          }
        }
      }
#pragma GCC unroll 1
      for (std::int64_t i = 0; i < kBlock; ++i) {
        out_row[start + i] = best[i];
        indices_row[start + i] = arg[i];
      }
    };
    for_each_block<64 / sizeof(T)>(interior.begin, interior.end, block);
  }
}

// One plane of 2x2 / stride-2 windows (W5's pools). The four taps of every window are first
// copied into four arrays in output order, so the whole plane is one run of outputs in vector
// blocks however short its rows (W5's last pool has 3 a row). `window_index` (OH·OW): the index
// of each window's top-left pixel; `taps` (4·OH·OW): scratch. Same scan order as max_row_scan.
template <typename T>
NNLAB_ISA_CLONES_TEMPLATE void max_plane_2x2(const Pool2dGeometry& g, const T* __restrict xp,
                                    const FastIndex<T>* __restrict window_index, T* __restrict taps, T* __restrict out,
                                    std::int64_t* __restrict indices) {
  using Index = FastIndex<T>;
  const std::int64_t in_w = g.in_w, out_w = g.out_w, count = g.out_h * g.out_w;
  for (std::int64_t oh = 0; oh < g.out_h; ++oh) {
    for (std::int64_t kh = 0; kh < 2; ++kh) {
      const T* row = xp + (2 * oh + kh) * in_w;
      T* left = taps + 2 * kh * count + oh * out_w;  // tap (kh, 0); tap (kh, 1) follows `count` later
      for (std::int64_t ow = 0; ow < out_w; ++ow) {
        left[ow] = row[2 * ow];
        left[count + ow] = row[2 * ow + 1];
      }
    }
  }
  const auto block = [&]<std::int64_t kBlock>(std::int64_t start) __attribute__((always_inline)) {
    const Index* first = window_index + start;
    T best[kBlock];
    Index arg[kBlock];
#pragma GCC unroll 1
    for (std::int64_t i = 0; i < kBlock; ++i) {
      best[i] = -std::numeric_limits<T>::infinity();
      arg[i] = first[i];
    }
    for (std::int64_t tap = 0; tap < 4; ++tap) {  // (0, 0), (0, 1), (1, 0), (1, 1)
      const T* values = taps + tap * count + start;
      const auto offset = static_cast<Index>(tap / 2 * in_w + tap % 2);
#pragma GCC unroll 1
      for (std::int64_t i = 0; i < kBlock; ++i) {
        const T v = values[i];
        const bool take = (v > best[i]) | (v != v);
        best[i] = take ? v : best[i];
        arg[i] = take ? static_cast<Index>(first[i] + offset) : arg[i];
      }
    }
#pragma GCC unroll 1
    for (std::int64_t i = 0; i < kBlock; ++i) {
      out[start + i] = best[i];
      indices[start + i] = arg[i];
    }
  };
  for_each_block<64 / sizeof(T)>(0, count, block);
}

// 2x2 / stride 2 without padding takes max_plane_2x2. Otherwise, for strides 1 and 2, the
// interior outputs take max_plane_interior and the clipped edges the scan; other strides the scan.
template <typename T>
void max_forward_typed(const Pool2dGeometry& g, const T* x, T* out, std::int64_t* indices) {
  const std::int64_t plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const bool fits = plane <= std::numeric_limits<FastIndex<T>>::max();
  const bool two_by_two =
      fits && g.kernel_h == 2 && g.kernel_w == 2 && g.stride_h == 2 && g.stride_w == 2 && g.pad_h == 0 && g.pad_w == 0;
  const bool rows = fits && !two_by_two && (g.stride_w == 1 || g.stride_w == 2);
  const Interior interior = rows ? interior_columns(g) : Interior{0, 0};
  std::vector<FastIndex<T>> window_index(two_by_two ? out_plane : 0);
  for (std::int64_t o = 0; o < static_cast<std::int64_t>(window_index.size()); ++o) {
    window_index[o] = static_cast<FastIndex<T>>(2 * (o / g.out_w) * g.in_w + 2 * (o % g.out_w));
  }
  // Per thread: max_plane_2x2's taps or split_columns' phases.
  const std::int64_t scratch_size = two_by_two                ? 4 * out_plane
                                    : rows && g.stride_w == 2 ? 2 * g.in_h * ((g.in_w + 1) / 2)
                                                              : 0;
  parallel_for(0, g.batch * g.channels, plane_grain(window_visits(g)), [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> scratch(scratch_size);
    for (std::int64_t p = begin; p < end; ++p) {
      const T* xp = x + p * plane;
      T* out_p = out + p * out_plane;
      std::int64_t* indices_p = indices + p * out_plane;
      if (two_by_two) {
        max_plane_2x2(g, xp, window_index.data(), scratch.data(), out_p, indices_p);
        continue;
      }
      if (rows && g.stride_w == 2) {
        split_columns<2>(xp, g.in_h, g.in_w, scratch.data());
        max_plane_interior<2>(g, interior, scratch.data(), out_p, indices_p);
      } else if (rows) {
        max_plane_interior<1>(g, interior, xp, out_p, indices_p);
      }
      for (std::int64_t oh = 0; oh < g.out_h; ++oh) {
        max_row_scan(g, xp, oh, 0, interior.begin, out_p + oh * g.out_w, indices_p + oh * g.out_w);
        max_row_scan(g, xp, oh, interior.end, g.out_w, out_p + oh * g.out_w, indices_p + oh * g.out_w);
      }
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
