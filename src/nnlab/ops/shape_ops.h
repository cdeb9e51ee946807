#pragma once
// Differentiable views and copies: the recorded counterparts of tensor/view.h. Views share
// storage with their input; backward maps the gradient back onto the input's shape.
#include <cstdint>

#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

Tensor reshape(const Tensor& x, const Shape& shape);  // copies when x's strides forbid a view
Tensor flatten(const Tensor& x, std::int64_t start_dim = 0, std::int64_t end_dim = -1);
Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1);
Tensor permute(const Tensor& x, const Shape& order);
Tensor narrow(const Tensor& x, std::int64_t dim, std::int64_t start, std::int64_t length);
Tensor select(const Tensor& x, std::int64_t dim, std::int64_t index);
Tensor squeeze(const Tensor& x, std::int64_t dim);
Tensor unsqueeze(const Tensor& x, std::int64_t dim);
Tensor expand(const Tensor& x, const Shape& shape);
Tensor contiguous(const Tensor& x);
Tensor clone(const Tensor& x);
Tensor to_dtype(const Tensor& x, DType dtype);  // float32 <-> float64; gradients flow back

}  // namespace nnlab::ops
