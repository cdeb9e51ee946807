#pragma once
// Walks N operands that share a shape but each have their own strides (a broadcast input
// has stride 0), one innermost run at a time. Dimensions of size 1 are dropped and
// neighbouring dimensions that are laid out back to back are merged first, so a
// contiguous tensor is a single run whatever its rank.
#include <array>
#include <cstdint>

#include "nnlab/core/shape.h"

namespace nnlab {

template <int N>
struct StridedLayout {
  int rank = 0;  // after merging; 0 means a single element
  std::array<std::int64_t, kMaxDims> sizes{};
  std::array<std::array<std::int64_t, kMaxDims>, N> strides{};

  std::int64_t inner_size() const { return rank == 0 ? 1 : sizes[rank - 1]; }
  std::int64_t inner_stride(int operand) const { return rank == 0 ? 0 : strides[operand][rank - 1]; }
  std::int64_t rows() const {
    std::int64_t rows = 1;
    for (int d = 0; d + 1 < rank; ++d) rows *= sizes[d];
    return rows;
  }
};

template <int N>
StridedLayout<N> make_strided_layout(const Shape& shape, const std::array<const Shape*, N>& strides) {
  StridedLayout<N> layout;
  for (int d = 0; d < shape.rank(); ++d) {
    if (shape[d] == 1) continue;
    const int r = layout.rank;
    bool mergeable = r > 0;
    for (int k = 0; k < N && mergeable; ++k) {
      mergeable = layout.strides[k][r - 1] == (*strides[k])[d] * shape[d];
    }
    if (mergeable) {
      layout.sizes[r - 1] *= shape[d];
      for (int k = 0; k < N; ++k) layout.strides[k][r - 1] = (*strides[k])[d];
    } else {
      layout.sizes[r] = shape[d];
      for (int k = 0; k < N; ++k) layout.strides[k][r] = (*strides[k])[d];
      layout.rank = r + 1;
    }
  }
  return layout;
}

// Calls fn(offsets, count) for rows [row_begin, row_end): offsets[k] is the element offset of
// operand k at the start of the row; the row has `count` elements, stepping inner_stride(k).
template <int N, typename Fn>
void for_each_row(const StridedLayout<N>& layout, std::int64_t row_begin, std::int64_t row_end, const Fn& fn) {
  const int outer = layout.rank - 1;  // dims 0..outer-1 index the rows
  std::array<std::int64_t, kMaxDims> index{};
  std::array<std::int64_t, N> offsets{};
  std::int64_t rest = row_begin;
  for (int d = outer - 1; d >= 0; --d) {
    index[d] = rest % layout.sizes[d];
    rest /= layout.sizes[d];
    for (int k = 0; k < N; ++k) offsets[k] += index[d] * layout.strides[k][d];
  }
  const std::int64_t count = layout.inner_size();
  for (std::int64_t row = row_begin; row < row_end; ++row) {
    fn(offsets, count);
    for (int d = outer - 1; d >= 0; --d) {  // odometer step
      for (int k = 0; k < N; ++k) offsets[k] += layout.strides[k][d];
      if (++index[d] < layout.sizes[d]) break;
      for (int k = 0; k < N; ++k) offsets[k] -= index[d] * layout.strides[k][d];
      index[d] = 0;
    }
  }
}

}  // namespace nnlab
