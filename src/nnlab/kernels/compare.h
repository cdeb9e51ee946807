#pragma once
// Elementwise comparisons giving int64 0/1 (nnlab has no bool dtype; masks are int64).
// Callers (ops/) have checked dtypes; a and b share one and come already broadcast to out's
// shape (stride 0 where stretched); out is int64 and contiguous.
#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

enum class CompareOp { eq, ne, lt, le, gt, ge };

// out[i] = a[i] op b[i] ? 1 : 0. Any comparison with NaN is false except ne, as in C++ and PyTorch.
void compare_forward(CompareOp op, const ConstView& a, const ConstView& b, const MutView& out);

}  // namespace nnlab::kernels
