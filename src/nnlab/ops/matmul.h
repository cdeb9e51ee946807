#pragma once
// Matrix products of 2-D and 3-D (batched) tensors, semantics of torch.matmul for those ranks.
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// (M, K) · (K, N) -> (M, N)
// (B, M, K) · (B, K, N) -> (B, M, N)
// (B, M, K) · (K, N) -> (B, M, N)   (b broadcast over the batch)
// Both float32 or both float64, any strides (transposed views are read without a copy).
// Throws ShapeError naming both shapes for other ranks or mismatched sizes, DTypeError for
// int64 or mixed dtypes. https://pytorch.org/docs/stable/generated/torch.matmul.html
Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace nnlab::ops
