#pragma once
// Selection by a condition: out = condition ? a : b, elementwise (torch.where). Callers
// (ops/) have checked shapes and dtypes; every input comes already broadcast to out's shape
// (stride 0 where stretched), and out is contiguous.
#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

// out[i] = condition[i] != 0 ? a[i] : b[i]. condition may have any dtype; a, b and out share one.
void where_forward(const ConstView& condition, const ConstView& a, const ConstView& b, const MutView& out);

}  // namespace nnlab::kernels
