#pragma once
// Reduction kernels. The output keeps the input's rank, with size 1 in every reduced dim
// ("keepdim" form); ops/ drops those dims afterwards when keepdim is false.
#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

// out = sum of x over the dims where out has size 1 and x does not. out contiguous.
// Float32 sums accumulate in float64 along long rows.
void sum_forward(const ConstView& x, const MutView& out);

}  // namespace nnlab::kernels
