#pragma once
// Elementwise arithmetic kernels (dispatch: dtype and backend). Callers (ops/) have checked
// shapes and dtypes; inputs come already broadcast to the output's shape (stride 0 where
// stretched), outputs are contiguous.
#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

enum class BinaryOp { add, sub, mul, div, maximum, minimum };

// out = a op b.
void binary_forward(BinaryOp op, const ConstView& a, const ConstView& b, const MutView& out);

// out = alpha * a + beta * b (with the same broadcasting rules); used by backward formulas.
void axpby(double alpha, const ConstView& a, double beta, const ConstView& b, const MutView& out);

// out = x * alpha (x contiguous, like out).
void scale(const ConstView& x, double alpha, const MutView& out);

// out = value everywhere (out contiguous).
void fill(const MutView& out, double value);

}  // namespace nnlab::kernels
