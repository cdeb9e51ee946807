#pragma once
// How the CPU reduction kernels see their input: x as a contiguous block (A, R, B), where
// A = kept elements before the reduced dims, R = reduced elements, B = kept elements after
// them, and the output as (A, B). A contiguous x whose reduced dims are adjacent is used in
// place; any other x is first gathered into (K, R, 1) with the kept dims first.
// Reduced elements are numbered row-major over the reduced dims, in both layouts.
#include <cstdint>
#include <cstring>

#include "nnlab/core/buffer_view.h"
#include "nnlab/core/strided_loop.h"
#include "nnlab/kernels/cpu/scratch.h"

namespace nnlab::kernels::cpu {

inline constexpr std::int64_t kReduceGrain = 1 << 14;  // elements read per thread, at least
inline constexpr std::int64_t kReduceTile = 256;       // kept columns accumulated at once (B > 1)

struct ReduceBlocks {
  std::int64_t outer = 1;    // A
  std::int64_t reduced = 1;  // R
  std::int64_t inner = 1;    // B
};

// A dim is reduced when the keepdim-form output has size 1 there and x does not.
inline bool is_reduced_dim(const Shape& x, const Shape& out, int d) { return out[d] == 1 && x[d] != 1; }

// The number of elements reduced into each output element (R).
inline std::int64_t reduced_count(const Shape& x, const Shape& out) {
  std::int64_t count = 1;
  for (int d = 0; d < x.rank(); ++d) count *= is_reduced_dim(x, out, d) ? x[d] : 1;
  return count;
}

// (A, R, B) when x is contiguous and its reduced dims (ignoring size-1 dims) are adjacent.
inline bool contiguous_blocks(const ConstView& x, const Shape& out, ReduceBlocks& blocks) {
  if (!x.is_contiguous()) return false;
  int phase = 0;  // 0: before the reduced run, 1: inside it, 2: after it
  blocks = {};
  for (int d = 0; d < x.shape.rank(); ++d) {
    if (x.shape[d] == 1) continue;
    const bool reduced = is_reduced_dim(x.shape, out, d);
    if (reduced && phase == 2) return false;
    if (reduced) phase = 1;
    if (!reduced && phase == 1) phase = 2;
    (reduced ? blocks.reduced : phase == 0 ? blocks.outer : blocks.inner) *= x.shape[d];
  }
  return true;
}

// Copies x into dst as (K, R): kept dims first, then reduced dims, each group in order.
template <typename T>
void gather_kept_first(const ConstView& x, const Shape& out, T* dst) {
  Shape shape, strides;
  for (int pass = 0; pass < 2; ++pass) {
    for (int d = 0; d < x.shape.rank(); ++d) {
      if (is_reduced_dim(x.shape, out, d) != (pass == 1)) continue;
      shape.push_back(x.shape[d]);
      strides.push_back(x.strides[d]);
    }
  }
  const Shape dense = contiguous_strides(shape);
  const StridedLayout<2> layout = make_strided_layout<2>(shape, {&dense, &strides});
  const std::int64_t sd = layout.inner_stride(0), sx = layout.inner_stride(1);
  const T* px = x.ptr<T>();
  for_each_row(layout, 0, layout.rows(), [&](const std::array<std::int64_t, 2>& off, std::int64_t count) {
    for (std::int64_t k = 0; k < count; ++k) dst[off[0] + k * sd] = px[off[1] + k * sx];
  });
}

// Calls fn(data, blocks) with x laid out as (A, R, B), gathering it first when needed.
template <typename T, typename Fn>
void with_reduce_blocks(const ConstView& x, const Shape& out, const Fn& fn) {
  ReduceBlocks blocks;
  if (contiguous_blocks(x, out, blocks)) return fn(x.ptr<T>(), blocks);
  Scratch<T> gathered(x.numel());
  gather_kept_first<T>(x, out, gathered.data());
  const std::int64_t reduced = reduced_count(x.shape, out);
  fn(static_cast<const T*>(gathered.data()), ReduceBlocks{x.numel() / reduced, reduced, 1});
}

// Threads split (A * tiles) work items; each should read about kReduceGrain elements.
inline std::int64_t reduce_grain(std::int64_t elements_per_item) {
  return std::max<std::int64_t>(1, kReduceGrain / std::max<std::int64_t>(elements_per_item, 1));
}

}  // namespace nnlab::kernels::cpu
