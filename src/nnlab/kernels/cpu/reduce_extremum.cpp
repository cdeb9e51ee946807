// max / min with the position of the first extremum, and their backward scatter. Legend: x is
// (A, R, B) and out (A, B), see cpu/reduce_layout.h.
#include <algorithm>
#include <type_traits>

#include "nnlab/kernels/cpu/loops.h"
#include "nnlab/kernels/cpu/reduce_layout.h"
#include "nnlab/kernels/cpu/row_ops.h"
#include "nnlab/kernels/reduce.h"

namespace nnlab::kernels {
namespace {

using cpu::kReduceTile;
using cpu::ReduceBlocks;

// True when v replaces best: strictly beyond it, or the first NaN (NaN wins, as in torch.max).
// Ties keep the earlier position.
template <typename T, bool IsMax>
NNLAB_ROW_INLINE bool beats(T v, T best) {
  const bool beyond = IsMax ? v > best : v < best;
  return beyond || (v != v && best == best);
}

// The first position of the max (IsMax) or min of row[0..n), n >= 1, and the value there.
// Two vectorised passes (NaN count, extremum) and a search beat one branchy pass, and eight
// lanes that each track a position, by 2x and more on rows of 10 to 1000.
template <typename T, bool IsMax>
NNLAB_ROW_INLINE std::int64_t row_extremum(const T* row, std::int64_t n, T& value) {
  const T* at = cpu::row_nan_count(row, n) > 0 ? std::find_if(row, row + n, [](T v) { return v != v; })
                                                : std::find(row, row + n, cpu::row_max<T, IsMax>(row, n));
  value = *at;
  return at - row;
}

// Work items [begin, end): rows of x when B == 1, else (block a, tile of kReduceTile columns).
// values[a, b] / indices[a, b] = extremum of x[a, :, b] and its first position r.
template <typename T, bool IsMax>
NNLAB_ROW_INLINE void extremum_items(const T* x, const ReduceBlocks& b, std::int64_t begin, std::int64_t end,
                                     T* values, std::int64_t* indices) {
  const std::int64_t tiles = (b.inner + kReduceTile - 1) / kReduceTile;
  for (std::int64_t item = begin; item < end; ++item) {
    if (b.inner == 1) {
      T best;
      indices[item] = row_extremum<T, IsMax>(x + item * b.reduced, b.reduced, best);
      if (values != nullptr) values[item] = best;
      continue;
    }
    const std::int64_t a = item / tiles, b0 = (item % tiles) * kReduceTile, n = std::min(kReduceTile, b.inner - b0);
    const T* base = x + a * b.reduced * b.inner + b0;
    T best[kReduceTile];
    std::int64_t at[kReduceTile] = {};
    std::copy_n(base, n, best);
    for (std::int64_t r = 1; r < b.reduced; ++r) {
      const T* row = base + r * b.inner;
      for (std::int64_t j = 0; j < n; ++j) {  // selects, not branches, so the loop vectorises
        const bool take = beats<T, IsMax>(row[j], best[j]);
        best[j] = take ? row[j] : best[j];
        at[j] = take ? r : at[j];
      }
    }
    const std::int64_t o = a * b.inner + b0;
    if (values != nullptr) std::copy_n(best, n, values + o);
    std::copy_n(at, n, indices + o);
  }
}

// Entry points per dtype, each compiled per instruction set.
NNLAB_ISA_CLONES void extremum_items_f32(bool is_max, const float* x, const ReduceBlocks& b, std::int64_t begin,
                                         std::int64_t end, float* values, std::int64_t* indices) {
  if (is_max) {
    extremum_items<float, true>(x, b, begin, end, values, indices);
  } else {
    extremum_items<float, false>(x, b, begin, end, values, indices);
  }
}

NNLAB_ISA_CLONES void extremum_items_f64(bool is_max, const double* x, const ReduceBlocks& b, std::int64_t begin,
                                         std::int64_t end, double* values, std::int64_t* indices) {
  if (is_max) {
    extremum_items<double, true>(x, b, begin, end, values, indices);
  } else {
    extremum_items<double, false>(x, b, begin, end, values, indices);
  }
}

template <typename T>
void extremum_blocks(bool is_max, const T* x, const ReduceBlocks& b, T* values, std::int64_t* indices) {
  const std::int64_t width = std::min(b.inner, kReduceTile);
  const std::int64_t items = b.inner == 1 ? b.outer : b.outer * ((b.inner + kReduceTile - 1) / kReduceTile);
  parallel_for(0, items, cpu::reduce_grain(b.reduced * width), [&](std::int64_t begin, std::int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      extremum_items_f32(is_max, x, b, begin, end, values, indices);
    } else {
      extremum_items_f64(is_max, x, b, begin, end, values, indices);
    }
  });
}

template <typename T>
void extremum_typed(Extremum op, const ConstView& x, const MutView& values, const MutView& indices) {
  if (x.numel() == 0) return;  // nothing kept: every reduced dim is non-empty by contract
  T* pv = values.data == nullptr ? nullptr : values.ptr<T>();
  std::int64_t* pi = indices.ptr<std::int64_t>();
  cpu::with_reduce_blocks<T>(x, indices.shape, [&](const T* data, const ReduceBlocks& b) {
    extremum_blocks<T>(op == Extremum::max, data, b, pv, pi);
  });
}

// dx[position of indices[k] in block k] = grad_out[k]; zero elsewhere.
template <typename T>
void extremum_backward_typed(const ConstView& grad_out, const ConstView& indices, const MutView& dx) {
  const Shape& x_shape = dx.shape;
  const Shape& kept_shape = indices.shape;
  const Shape strides = contiguous_strides(x_shape);
  int reduced_dims[kMaxDims];
  int n_reduced = 0;
  for (int d = 0; d < x_shape.rank(); ++d) {
    if (cpu::is_reduced_dim(x_shape, kept_shape, d)) reduced_dims[n_reduced++] = d;
  }
  T* out = dx.ptr<T>();
  std::fill_n(out, dx.numel(), T(0));
  const T* g = grad_out.ptr<T>();
  const std::int64_t* at = indices.ptr<std::int64_t>();
  parallel_for(0, indices.numel(), cpu::kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) {
      std::int64_t offset = 0, rest = k, r = at[k];
      for (int d = kept_shape.rank() - 1; d >= 0; --d) {  // kept position of block k
        offset += (rest % kept_shape[d]) * strides[d];
        rest /= kept_shape[d];
      }
      for (int i = n_reduced - 1; i >= 0; --i) {  // r, row-major over the reduced dims
        const int d = reduced_dims[i];
        offset += (r % x_shape[d]) * strides[d];
        r /= x_shape[d];
      }
      out[offset] = g[k];
    }
  });
}

}  // namespace

void extremum_forward(Extremum op, const ConstView& x, const MutView& values, const MutView& indices) {
  NNLAB_DCHECK(indices.dtype == DType::i64 && indices.is_contiguous() && indices.shape.rank() == x.shape.rank());
  NNLAB_DCHECK(values.data == nullptr || (values.is_contiguous() && values.shape == indices.shape));
  cpu::dispatch_floating(x.dtype, [&]<typename T>() { extremum_typed<T>(op, x, values, indices); });
}

void extremum_backward(const ConstView& grad_out, const ConstView& indices, const MutView& dx) {
  NNLAB_DCHECK(grad_out.is_contiguous() && indices.is_contiguous() && dx.is_contiguous());
  NNLAB_DCHECK(grad_out.shape == indices.shape && indices.shape.rank() == dx.shape.rank());
  cpu::dispatch_floating(dx.dtype, [&]<typename T>() { extremum_backward_typed<T>(grad_out, indices, dx); });
}

}  // namespace nnlab::kernels
