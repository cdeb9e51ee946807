#pragma once
// Copies between layouts and dtypes. None of these record autograd history.
#include "nnlab/tensor/tensor.h"

namespace nnlab {

// Copies src into dst element by element, converting dtype; src is broadcast to dst's shape.
void copy_into(const Tensor& dst, const Tensor& src);
// A contiguous tensor with t's values: t itself when already contiguous.
Tensor contiguous(const Tensor& t);
// A new contiguous tensor with t's values, never sharing storage.
Tensor clone(const Tensor& t);
// t converted to dtype (t itself when it already has that dtype).
Tensor to_dtype(const Tensor& t, DType dtype);

}  // namespace nnlab
