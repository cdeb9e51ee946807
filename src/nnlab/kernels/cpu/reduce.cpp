// Sum, mean and variance on CPU, and their backward broadcasts. Legend: x is (A, R, B) and out
// (A, B), see cpu/reduce_layout.h. B == 1 (the reduced dims are last) reads rows; B > 1 reads
// columns in tiles of kReduceTile. Partial sums are float64 for both dtypes.
#include "nnlab/kernels/reduce.h"

#include <algorithm>
#include <limits>

#include "nnlab/core/replay.h"
#include "nnlab/kernels/cpu/isa.h"
#include "nnlab/kernels/cpu/loops.h"
#include "nnlab/kernels/cpu/reduce_layout.h"
#include "nnlab/kernels/cpu/row_ops.h"

namespace nnlab::kernels {
namespace {

using cpu::kReduceTile;
using cpu::ReduceBlocks;

// Sum of (x[i] - mean)^2 over x[0..n), in float64.
template <typename T>
double squared_deviation_run(const T* x, std::int64_t n, double mean) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::int64_t r = 0;
  for (; r + 8 <= n; r += 8) {
    for (int l = 0; l < 8; ++l) {
      const double d = static_cast<double>(x[r + l]) - mean;
      acc[l] += d * d;
    }
  }
  double total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; r < n; ++r) {
    const double d = static_cast<double>(x[r]) - mean;
    total += d * d;
  }
  return total;
}

// Calls fn(a, b0, n) for every tile of n <= kReduceTile kept columns b0..b0+n-1 of block a,
// the tiles split across threads.
template <typename Fn>
void for_each_column_tile(const ReduceBlocks& b, const Fn& fn) {
  const std::int64_t tiles = (b.inner + kReduceTile - 1) / kReduceTile;
  const std::int64_t width = std::min(b.inner, kReduceTile);
  parallel_for(0, b.outer * tiles, cpu::reduce_grain(b.reduced * width), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t t = begin; t < end; ++t) {
      const std::int64_t b0 = (t % tiles) * kReduceTile;
      fn(t / tiles, b0, std::min(kReduceTile, b.inner - b0));
    }
  });
}

// acc[j] += sum_r x[r * stride + j] for j < n. Four rows are added together before they reach
// acc: acc lives in memory (n is not known here), and a load-add-store per row and column
// would make every row wait on the one before it.
template <typename T>
[[gnu::always_inline]] inline void add_columns(const T* x, std::int64_t rows, std::int64_t stride, std::int64_t n,
                                               double* acc) {
  std::int64_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const T* x0 = x + r * stride;
    const T *x1 = x0 + stride, *x2 = x1 + stride, *x3 = x2 + stride;
    for (std::int64_t j = 0; j < n; ++j) {
      acc[j] += (static_cast<double>(x0[j]) + static_cast<double>(x1[j])) +
                (static_cast<double>(x2[j]) + static_cast<double>(x3[j]));
    }
  }
  for (; r < rows; ++r) {
    for (std::int64_t j = 0; j < n; ++j) acc[j] += static_cast<double>(x[r * stride + j]);
  }
}

NNLAB_ISA_CLONES void add_columns_f32(const float* x, std::int64_t rows, std::int64_t stride, std::int64_t n,
                                      double* acc) {
  add_columns(x, rows, stride, n, acc);
}
NNLAB_ISA_CLONES void add_columns_f64(const double* x, std::int64_t rows, std::int64_t stride, std::int64_t n,
                                      double* acc) {
  add_columns(x, rows, stride, n, acc);
}

// out[a, b] = scale * sum_r x[a, r, b]
template <typename T>
void sum_blocks(const T* x, const ReduceBlocks& b, double scale, T* out) {
  if (b.inner == 1) {
    parallel_for(0, b.outer, cpu::reduce_grain(b.reduced), [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t k = begin; k < end; ++k) {
        out[k] = static_cast<T>(scale * cpu::row_sum(x + k * b.reduced, b.reduced));
      }
    });
    return;
  }
  const auto add = [](const T* from, std::int64_t rows, std::int64_t stride, std::int64_t n, double* acc) {
    if constexpr (sizeof(T) == 4) {
      add_columns_f32(from, rows, stride, n, acc);
    } else {
      add_columns_f64(from, rows, stride, n, acc);
    }
  };
  const std::int64_t parts = std::min<std::int64_t>(num_threads(), b.reduced * b.inner / cpu::kReduceGrain);
  if (b.outer == 1 && b.inner <= kReduceTile && parts > 1) {
    // One tile of columns over many rows (a Linear layer's bias gradient, (N, O) -> O) is one
    // work item: threads sum disjoint row ranges instead, and the partial sums are added in
    // range order, so the result depends on the thread count only.
    const cpu::Scratch<double> partial(parts * kReduceTile);
    parallel_for(0, parts, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t t = begin; t < end; ++t) {
        const std::int64_t r0 = b.reduced * t / parts, r1 = b.reduced * (t + 1) / parts;
        double* acc = partial.data() + t * kReduceTile;
        std::fill(acc, acc + b.inner, 0.0);
        add(x + r0 * b.inner, r1 - r0, b.inner, b.inner, acc);
      }
    });
    for (std::int64_t j = 0; j < b.inner; ++j) {
      double acc = 0;
      for (std::int64_t t = 0; t < parts; ++t) acc += partial.data()[t * kReduceTile + j];
      out[j] = static_cast<T>(scale * acc);
    }
    return;
  }
  for_each_column_tile(b, [&](std::int64_t a, std::int64_t b0, std::int64_t n) {
    double acc[kReduceTile] = {};
    add(x + a * b.reduced * b.inner + b0, b.reduced, b.inner, n, acc);
    T* o = out + a * b.inner + b0;
    for (std::int64_t j = 0; j < n; ++j) o[j] = static_cast<T>(scale * acc[j]);
  });
}

// out[a, b] = sum_r (x[a, r, b] - mean)^2 / divisor; two passes (the one-pass formula
// E[x^2] - E[x]^2 cancels catastrophically when the mean is large against the spread).
template <typename T>
void var_blocks(const T* x, const ReduceBlocks& b, double divisor, T* out, T* mean_out) {
  const double count = static_cast<double>(b.reduced);
  if (b.inner == 1) {
    parallel_for(0, b.outer, cpu::reduce_grain(b.reduced), [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t k = begin; k < end; ++k) {
        const T* row = x + k * b.reduced;
        const double mean = cpu::row_sum(row, b.reduced) / count;
        out[k] = static_cast<T>(squared_deviation_run(row, b.reduced, mean) / divisor);
        if (mean_out != nullptr) mean_out[k] = static_cast<T>(mean);
      }
    });
    return;
  }
  for_each_column_tile(b, [&](std::int64_t a, std::int64_t b0, std::int64_t n) {
    double mean[kReduceTile] = {}, squares[kReduceTile] = {};
    const T* base = x + a * b.reduced * b.inner + b0;
    for (std::int64_t r = 0; r < b.reduced; ++r) {
      for (std::int64_t j = 0; j < n; ++j) mean[j] += static_cast<double>(base[r * b.inner + j]);
    }
    for (std::int64_t j = 0; j < n; ++j) mean[j] /= count;
    for (std::int64_t r = 0; r < b.reduced; ++r) {
      for (std::int64_t j = 0; j < n; ++j) {
        const double d = static_cast<double>(base[r * b.inner + j]) - mean[j];
        squares[j] += d * d;
      }
    }
    const std::int64_t at = a * b.inner + b0;
    for (std::int64_t j = 0; j < n; ++j) out[at + j] = static_cast<T>(squares[j] / divisor);
    if (mean_out != nullptr) {
      for (std::int64_t j = 0; j < n; ++j) mean_out[at + j] = static_cast<T>(mean[j]);
    }
  });
}

template <typename T>
void sum_typed(const ConstView& x, const MutView& out, bool mean) {
  const std::int64_t reduced = cpu::reduced_count(x.shape, out.shape);
  const double scale = mean ? 1.0 / static_cast<double>(reduced) : 1.0;
  if (x.numel() == 0) {  // an empty sum is 0, an empty mean 0/0
    std::fill_n(out.ptr<T>(), out.numel(), static_cast<T>(mean ? std::numeric_limits<double>::quiet_NaN() : 0.0));
    return;
  }
  cpu::with_reduce_blocks<T>(x, out.shape, [&](const T* data, const ReduceBlocks& b) {
    sum_blocks(data, b, scale, out.ptr<T>());
  });
}

template <typename T>
void var_typed(const ConstView& x, std::int64_t correction, const MutView& out, const MutView& mean) {
  const std::int64_t reduced = cpu::reduced_count(x.shape, out.shape);
  const double divisor = static_cast<double>(std::max<std::int64_t>(reduced - correction, 0));
  T* mean_out = mean.data == nullptr ? nullptr : mean.ptr<T>();
  if (x.numel() == 0) {
    const T nan = std::numeric_limits<T>::quiet_NaN();
    std::fill_n(out.ptr<T>(), out.numel(), nan);
    if (mean_out != nullptr) std::fill_n(mean_out, out.numel(), nan);
    return;
  }
  cpu::with_reduce_blocks<T>(x, out.shape, [&](const T* data, const ReduceBlocks& b) {
    var_blocks(data, b, divisor, out.ptr<T>(), mean_out);
  });
}

// Strides that broadcast a keepdim-form contiguous tensor of shape `small` to `full`.
Shape broadcast_strides(const Shape& small, const Shape& full) {
  Shape strides = contiguous_strides(small);
  for (int d = 0; d < small.rank(); ++d) {
    if (small[d] != full[d]) strides[d] = 0;
  }
  return strides;
}

// dx (R elements per kept element) = scale * grad_out, broadcast.
template <typename T>
void sum_backward_typed(const ConstView& grad_out, double scale, const MutView& dx) {
  const Shape g_strides = broadcast_strides(grad_out.shape, dx.shape);
  const StridedLayout<2> layout = make_strided_layout<2>(dx.shape, {&dx.strides, &g_strides});
  const std::int64_t so = layout.inner_stride(0), sg = layout.inner_stride(1);
  const T* g = grad_out.ptr<T>();
  T* out = dx.ptr<T>();
  const T s = static_cast<T>(scale);
  parallel_for(0, layout.rows(), cpu::reduce_grain(layout.inner_size()), [&](std::int64_t begin, std::int64_t end) {
    for_each_row(layout, begin, end, [&](const std::array<std::int64_t, 2>& off, std::int64_t count) {
      T* o = out + off[0];
      const T* gi = g + off[1];
      if (sg == 0) {
        const T value = *gi * s;
        for (std::int64_t k = 0; k < count; ++k) o[k * so] = value;
      } else {
        for (std::int64_t k = 0; k < count; ++k) o[k * so] = gi[k * sg] * s;
      }
    });
  });
}

// dx = scale * grad_out * (x - mean), grad_out and mean broadcast.
template <typename T>
void var_backward_typed(const ConstView& x, const ConstView& mean, const ConstView& grad_out, double scale,
                        const MutView& dx) {
  const Shape m_strides = broadcast_strides(mean.shape, dx.shape);
  const Shape g_strides = broadcast_strides(grad_out.shape, dx.shape);
  const StridedLayout<4> layout =
      make_strided_layout<4>(dx.shape, {&dx.strides, &x.strides, &m_strides, &g_strides});
  const std::int64_t so = layout.inner_stride(0), sx = layout.inner_stride(1);
  const std::int64_t sm = layout.inner_stride(2), sg = layout.inner_stride(3);
  const T s = static_cast<T>(scale);
  parallel_for(0, layout.rows(), cpu::reduce_grain(layout.inner_size()), [&](std::int64_t begin, std::int64_t end) {
    for_each_row(layout, begin, end, [&](const std::array<std::int64_t, 4>& off, std::int64_t count) {
      T* o = dx.ptr<T>() + off[0];
      const T* xi = x.ptr<T>() + off[1];
      const T* mi = mean.ptr<T>() + off[2];
      const T* gi = grad_out.ptr<T>() + off[3];
      for (std::int64_t k = 0; k < count; ++k) o[k * so] = s * gi[k * sg] * (xi[k * sx] - mi[k * sm]);
    });
  });
}

}  // namespace

void sum_forward(const ConstView& x, const MutView& out) {
  if (replay::Recording* recording = replay::active()) recording->add([=] { sum_forward(x, out); });
  NNLAB_DCHECK(out.is_contiguous() && out.shape.rank() == x.shape.rank());
  cpu::dispatch_floating(out.dtype, [&]<typename T>() { sum_typed<T>(x, out, /*mean=*/false); });
}

void mean_forward(const ConstView& x, const MutView& out) {
  if (replay::Recording* recording = replay::active()) recording->add([=] { mean_forward(x, out); });
  NNLAB_DCHECK(out.is_contiguous() && out.shape.rank() == x.shape.rank());
  cpu::dispatch_floating(out.dtype, [&]<typename T>() { sum_typed<T>(x, out, /*mean=*/true); });
}

void var_forward(const ConstView& x, std::int64_t correction, const MutView& out, const MutView& mean) {
  NNLAB_DCHECK(out.is_contiguous() && out.shape.rank() == x.shape.rank());
  NNLAB_DCHECK(mean.data == nullptr || (mean.is_contiguous() && mean.shape == out.shape));
  cpu::dispatch_floating(out.dtype, [&]<typename T>() { var_typed<T>(x, correction, out, mean); });
}

void sum_backward(const ConstView& grad_out, double scale, const MutView& dx) {
  if (replay::Recording* recording = replay::active()) recording->add([=] { sum_backward(grad_out, scale, dx); });
  NNLAB_DCHECK(grad_out.is_contiguous() && grad_out.shape.rank() == dx.shape.rank());
  if (dx.numel() == 0) return;
  cpu::dispatch_floating(dx.dtype, [&]<typename T>() { sum_backward_typed<T>(grad_out, scale, dx); });
}

void var_backward(const ConstView& x, const ConstView& mean, const ConstView& grad_out, double scale,
                  const MutView& dx) {
  NNLAB_DCHECK(mean.is_contiguous() && grad_out.is_contiguous() && mean.shape == grad_out.shape);
  NNLAB_DCHECK(x.shape == dx.shape);
  if (dx.numel() == 0) return;
  cpu::dispatch_floating(dx.dtype, [&]<typename T>() { var_backward_typed<T>(x, mean, grad_out, scale, dx); });
}

}  // namespace nnlab::kernels
