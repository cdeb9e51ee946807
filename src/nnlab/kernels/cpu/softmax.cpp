// Softmax and log-softmax on CPU. Legend: the tensor is viewed as (A, C, B), where C is the
// size of the softmax dim, A the number of elements before it and B after it. B == 1 (the last
// dim: a classifier's (N, C) logits) runs row by row; B > 1 walks tiles of columns so that
// every read stays sequential. Sums accumulate in float64. Work items (rows, or tiles) run
// through one entry point per dtype, compiled for AVX-512, AVX2 and the baseline.
#include "nnlab/kernels/softmax.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "nnlab/kernels/cpu/loops.h"
#include "nnlab/kernels/cpu/row_ops.h"

namespace nnlab::kernels {
namespace {

constexpr std::int64_t kSoftmaxGrain = 1 << 13;  // elements per thread, at least: exp costs ~10 adds
constexpr std::int64_t kSoftmaxTile = 256;       // columns per tile, at most
// A tile's C x width block should stay in L2 between its passes, so tall dims get narrower tiles
// (but at least 64 columns: 16-column tiles ran 4x slower on a (4096, 1000) softmax over dim 0).
constexpr std::int64_t kTileBytes = 256 << 10;

struct Lines {
  std::int64_t outer = 1;    // A
  std::int64_t classes = 1;  // C
  std::int64_t inner = 1;    // B
};

Lines lines_of(const Shape& shape, int dim) {
  Lines lines;
  for (int d = 0; d < shape.rank(); ++d) {
    (d < dim ? lines.outer : d == dim ? lines.classes : lines.inner) *= shape[d];
  }
  return lines;
}

// One call: forward reads x and writes out; backward reads y (the forward's output) and dout
// and writes dx. Work items are the A rows when B == 1, else (block, tile) pairs.
template <typename T>
struct SoftmaxJob {
  bool log = false;
  bool backward = false;
  const T* in = nullptr;    // x, or y
  const T* grad = nullptr;  // dout (backward)
  T* out = nullptr;         // out, or dx
  Lines lines;
  std::int64_t width = 1;  // columns per tile
  std::int64_t tiles = 1;  // tiles per (C, B) block
};

// One row of C values: out = softmax(x), or log_softmax(x) when Log.
template <typename T, bool Log>
NNLAB_ROW_INLINE void softmax_row(const T* x, T* out, std::int64_t classes) {
  const T max = cpu::row_max(x, classes);
  // out holds e^(x - max) first: the largest term is exactly 1, so the sum cannot overflow.
  const double sum = cpu::row_exp_shifted(x, max, out, classes);
  if constexpr (Log) {
    // (x - max) - log(sum), not x - (max + log(sum)): near logits of 1000 the latter rounds
    // max + log(sum) to float32's 6e-5 spacing there and loses the small log-probabilities.
    const T log_sum = static_cast<T>(std::log(sum));
    for (std::int64_t c = 0; c < classes; ++c) out[c] = (x[c] - max) - log_sum;
  } else {
    const T inverse = static_cast<T>(1.0 / sum);
    for (std::int64_t c = 0; c < classes; ++c) out[c] *= inverse;
  }
}

// One row of C values: dx = y * (g - sum(g * y)) for softmax, or
// dx = g - exp(y) * sum(g) for log-softmax (y is the forward's output).
template <typename T, bool Log>
NNLAB_ROW_INLINE void softmax_backward_row(const T* y, const T* g, T* dx, std::int64_t classes) {
  const T s = static_cast<T>(Log ? cpu::row_sum(g, classes) : cpu::row_dot(g, y, classes));
  for (std::int64_t c = 0; c < classes; ++c) dx[c] = Log ? g[c] - cpu::exp_of(y[c]) * s : y[c] * (g[c] - s);
}

// Columns 0..width-1 of one (C, B) block (row stride B): out = softmax or log_softmax along C.
template <typename T, bool Log>
NNLAB_ROW_INLINE void softmax_tile(const T* x, T* out, std::int64_t classes, std::int64_t inner, std::int64_t width) {
  T max[kSoftmaxTile], factor[kSoftmaxTile];
  double sum[kSoftmaxTile] = {};
  std::copy_n(x, width, max);
  for (std::int64_t c = 1; c < classes; ++c) {
    const T* xr = x + c * inner;
    for (std::int64_t j = 0; j < width; ++j) max[j] = xr[j] > max[j] ? xr[j] : max[j];
  }
  for (std::int64_t c = 0; c < classes; ++c) {  // out holds e^(x - max) for now
    const T* xr = x + c * inner;
    T* o = out + c * inner;
    for (std::int64_t j = 0; j < width; ++j) o[j] = cpu::exp_of(xr[j] - max[j]);
    for (std::int64_t j = 0; j < width; ++j) sum[j] += static_cast<double>(o[j]);
  }
  for (std::int64_t j = 0; j < width; ++j) factor[j] = static_cast<T>(Log ? std::log(sum[j]) : 1.0 / sum[j]);
  for (std::int64_t c = 0; c < classes; ++c) {
    const T* xr = x + c * inner;
    T* o = out + c * inner;
    for (std::int64_t j = 0; j < width; ++j) o[j] = Log ? (xr[j] - max[j]) - factor[j] : o[j] * factor[j];
  }
}

// Columns 0..width-1 of one (C, B) block: the backward of softmax_tile, as softmax_backward_row.
template <typename T, bool Log>
NNLAB_ROW_INLINE void softmax_backward_tile(const T* y, const T* g, T* dx, std::int64_t classes, std::int64_t inner,
                                            std::int64_t width) {
  double acc[kSoftmaxTile] = {};
  T s[kSoftmaxTile];
  for (std::int64_t c = 0; c < classes; ++c) {
    const T* yr = y + c * inner;
    const T* gr = g + c * inner;
    for (std::int64_t j = 0; j < width; ++j) acc[j] += static_cast<double>(Log ? gr[j] : gr[j] * yr[j]);
  }
  for (std::int64_t j = 0; j < width; ++j) s[j] = static_cast<T>(acc[j]);
  for (std::int64_t c = 0; c < classes; ++c) {
    const T* yr = y + c * inner;
    const T* gr = g + c * inner;
    T* d = dx + c * inner;
    for (std::int64_t j = 0; j < width; ++j) d[j] = Log ? gr[j] - cpu::exp_of(yr[j]) * s[j] : yr[j] * (gr[j] - s[j]);
  }
}

template <typename T, bool Log, bool Backward>
NNLAB_ROW_INLINE void softmax_items(const SoftmaxJob<T>& job, std::int64_t begin, std::int64_t end) {
  const std::int64_t classes = job.lines.classes, inner = job.lines.inner;
  for (std::int64_t item = begin; item < end; ++item) {
    if (inner == 1) {
      const std::int64_t at = item * classes;
      if constexpr (Backward) {
        softmax_backward_row<T, Log>(job.in + at, job.grad + at, job.out + at, classes);
      } else {
        softmax_row<T, Log>(job.in + at, job.out + at, classes);
      }
      continue;
    }
    const std::int64_t b0 = (item % job.tiles) * job.width, width = std::min(job.width, inner - b0);
    const std::int64_t at = (item / job.tiles) * classes * inner + b0;
    if constexpr (Backward) {
      softmax_backward_tile<T, Log>(job.in + at, job.grad + at, job.out + at, classes, inner, width);
    } else {
      softmax_tile<T, Log>(job.in + at, job.out + at, classes, inner, width);
    }
  }
}

template <typename T>
NNLAB_ROW_INLINE void softmax_items(const SoftmaxJob<T>& job, std::int64_t begin, std::int64_t end) {
  if (job.backward && job.log) {
    softmax_items<T, true, true>(job, begin, end);
  } else if (job.backward) {
    softmax_items<T, false, true>(job, begin, end);
  } else if (job.log) {
    softmax_items<T, true, false>(job, begin, end);
  } else {
    softmax_items<T, false, false>(job, begin, end);
  }
}

NNLAB_ISA_CLONES void softmax_items_f32(const SoftmaxJob<float>& job, std::int64_t begin, std::int64_t end) {
  softmax_items(job, begin, end);
}

NNLAB_ISA_CLONES void softmax_items_f64(const SoftmaxJob<double>& job, std::int64_t begin, std::int64_t end) {
  softmax_items(job, begin, end);
}

// Splits the job's items across threads; each thread runs the clone for this machine.
template <typename T>
void run(bool log, bool backward, const T* in, const T* grad, T* out, int dim, const Shape& shape) {
  SoftmaxJob<T> job;
  job.log = log;
  job.backward = backward;
  job.in = in;
  job.grad = grad;
  job.out = out;
  job.lines = lines_of(shape, dim);
  const std::int64_t classes = job.lines.classes, inner = job.lines.inner;
  job.width = std::clamp<std::int64_t>(kTileBytes / static_cast<std::int64_t>(sizeof(T) * classes), 64, kSoftmaxTile);
  job.width = std::min(job.width, inner);
  job.tiles = (inner + job.width - 1) / job.width;
  const std::int64_t items = inner == 1 ? job.lines.outer : job.lines.outer * job.tiles;
  const std::int64_t grain = std::max<std::int64_t>(1, kSoftmaxGrain / std::max<std::int64_t>(classes * job.width, 1));
  parallel_for(0, items, grain, [&](std::int64_t begin, std::int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      softmax_items_f32(job, begin, end);
    } else {
      softmax_items_f64(job, begin, end);
    }
  });
}

template <typename T>
void softmax_reference_typed(const ConstView& x, int dim, bool log, const MutView& out) {
  const Lines n = lines_of(x.shape, dim);
  for (std::int64_t a = 0; a < n.outer; ++a) {
    for (std::int64_t b = 0; b < n.inner; ++b) {
      const auto at = [&](std::int64_t c) { return (a * n.classes + c) * n.inner + b; };
      double max = x.ptr<T>()[at(0)], sum = 0.0;
      for (std::int64_t c = 1; c < n.classes; ++c) max = std::max<double>(max, x.ptr<T>()[at(c)]);
      for (std::int64_t c = 0; c < n.classes; ++c) sum += std::exp(x.ptr<T>()[at(c)] - max);
      for (std::int64_t c = 0; c < n.classes; ++c) {
        const double shifted = x.ptr<T>()[at(c)] - max;
        out.ptr<T>()[at(c)] = static_cast<T>(log ? shifted - std::log(sum) : std::exp(shifted) / sum);
      }
    }
  }
}

}  // namespace

void softmax_forward(const ConstView& x, int dim, const MutView& out) {
  NNLAB_DCHECK(x.is_contiguous() && out.is_contiguous() && x.shape == out.shape);
  if (x.numel() == 0) return;
  cpu::dispatch_floating(x.dtype, [&]<typename T>() {
    run<T>(/*log=*/false, /*backward=*/false, x.ptr<T>(), nullptr, out.ptr<T>(), dim, x.shape);
  });
}

void log_softmax_forward(const ConstView& x, int dim, const MutView& out) {
  NNLAB_DCHECK(x.is_contiguous() && out.is_contiguous() && x.shape == out.shape);
  if (x.numel() == 0) return;
  cpu::dispatch_floating(x.dtype, [&]<typename T>() {
    run<T>(/*log=*/true, /*backward=*/false, x.ptr<T>(), nullptr, out.ptr<T>(), dim, x.shape);
  });
}

void softmax_backward(const ConstView& out, const ConstView& dout, int dim, const MutView& dx) {
  NNLAB_DCHECK(out.is_contiguous() && dout.is_contiguous() && dx.is_contiguous());
  if (out.numel() == 0) return;
  cpu::dispatch_floating(out.dtype, [&]<typename T>() {
    run<T>(/*log=*/false, /*backward=*/true, out.ptr<T>(), dout.ptr<T>(), dx.ptr<T>(), dim, out.shape);
  });
}

void log_softmax_backward(const ConstView& out, const ConstView& dout, int dim, const MutView& dx) {
  NNLAB_DCHECK(out.is_contiguous() && dout.is_contiguous() && dx.is_contiguous());
  if (out.numel() == 0) return;
  cpu::dispatch_floating(out.dtype, [&]<typename T>() {
    run<T>(/*log=*/true, /*backward=*/true, out.ptr<T>(), dout.ptr<T>(), dx.ptr<T>(), dim, out.shape);
  });
}

void softmax_forward_reference(const ConstView& x, int dim, bool log, const MutView& out) {
  if (x.numel() == 0) return;
  cpu::dispatch_floating(x.dtype, [&]<typename T>() { softmax_reference_typed<T>(x, dim, log, out); });
}

}  // namespace nnlab::kernels
