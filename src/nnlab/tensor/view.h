#pragma once
// Raw views: new shapes and strides over the same storage, with no copy and no autograd
// record. Library code uses these inside ops; users call the differentiable versions in
// ops/shape_ops.h (ops::reshape, ops::transpose, ...), which are built on them.
#include <cstdint>

#include "nnlab/tensor/tensor.h"

namespace nnlab::view {

// Same elements in a new shape; one size may be -1 (inferred). Throws ShapeError if the
// element count differs or the strides do not allow a view (call contiguous() first).
Tensor reshape(const Tensor& t, const Shape& shape);
Tensor transpose(const Tensor& t, std::int64_t dim0, std::int64_t dim1);
Tensor permute(const Tensor& t, const Shape& order);
// Elements start..start+length-1 along dim.
Tensor narrow(const Tensor& t, std::int64_t dim, std::int64_t start, std::int64_t length);
// The slice at `index` along dim, with that dim removed.
Tensor select(const Tensor& t, std::int64_t dim, std::int64_t index);
Tensor squeeze(const Tensor& t, std::int64_t dim);  // only a size-1 dim
Tensor squeeze_all(const Tensor& t);                // every size-1 dim
Tensor unsqueeze(const Tensor& t, std::int64_t dim);
// Broadcast to `shape` (NumPy rules: sizes of 1 stretch with stride 0, new dims on the left).
Tensor expand(const Tensor& t, const Shape& shape);
// Dims start..end (inclusive) merged into one.
Tensor flatten(const Tensor& t, std::int64_t start_dim = 0, std::int64_t end_dim = -1);

// The NumPy broadcast of two shapes; throws ShapeError naming `where` if they do not fit.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* where);

}  // namespace nnlab::view
