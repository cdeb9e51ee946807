#pragma once
// Elementwise comparisons (torch.eq, ne, lt, le, gt, ge). The result is an int64 tensor of 0s
// and 1s with the broadcast shape (nnlab has no bool dtype; masks are int64), and it is never
// recorded: comparisons have no gradient. Both tensors must share a dtype (any of the three);
// a scalar is compared in the tensor's dtype, except that an int64 tensor meets a fractional
// scalar in float64, as PyTorch's type promotion does.
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);

Tensor eq(const Tensor& a, double b);
Tensor ne(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);
Tensor le(const Tensor& a, double b);
Tensor gt(const Tensor& a, double b);
Tensor ge(const Tensor& a, double b);

}  // namespace nnlab::ops
