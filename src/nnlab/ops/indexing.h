#pragma once
// Indexing and selection: index_select, gather, where, masked_fill, with PyTorch's semantics.
// Index tensors are int64; masks and conditions may have any dtype (nonzero means true), since
// nnlab has no bool dtype. Gradients flow to the selected values, never to indices or masks.
#include <cstdint>

#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// The slices of x at the positions in the 1-D int64 `index` along dim (torch.index_select):
// x (..., S, ...) -> (..., n, ...). Backward adds each slice's gradient back at its position,
// so duplicated indices accumulate. Throws ShapeError for a bad dim or an index that is not
// 1-D, DTypeError if it is not int64, ValueError for a position outside [0, S).
Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index);

// out[i] = x[i with i_dim replaced by index[i]] (torch.gather): index is int64 with x's rank and
// sizes no larger than x's outside dim; out has index's shape. Backward scatter-adds, so
// duplicates accumulate. Throws ShapeError / DTypeError / ValueError as index_select does.
Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index);

// condition ? a : b elementwise, all three broadcast together (torch.where). a and b share a
// dtype; condition may have any. Gradients: a gets grad where condition is true, b elsewhere.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);

// x with `value` wherever mask is nonzero (torch.Tensor.masked_fill); mask broadcasts to x's
// shape (not the other way). The gradient is 0 at filled elements. Throws ShapeError if mask
// does not broadcast to x.
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);

}  // namespace nnlab::ops
