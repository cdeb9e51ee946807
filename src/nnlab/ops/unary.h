#pragma once
// The recipe every elementwise unary op in math.h and activation.h shares: check the dtype,
// run the kernel on a contiguous copy of x, and record one UnaryBackward node that saves x or
// y, whichever the op's derivative is written from (kernels::unary_saved).
#include "nnlab/kernels/unary.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops::detail {

// y = f(x) for the kernel op `op`: a new contiguous tensor of x's shape and dtype.
// Throws DTypeError "<op>: expected float32 or float64, got int64" for an integer x.
Tensor unary(kernels::UnaryOp op, const Tensor& x, const kernels::UnaryParams& params = {});

}  // namespace nnlab::ops::detail
