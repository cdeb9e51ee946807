#pragma once
// Reduction kernels. The output keeps the input's rank, with size 1 in every reduced dim
// ("keepdim" form); ops/ drops those dims afterwards when keepdim is false. A dim is reduced
// where out has size 1 and x does not. x may have any strides; outputs are contiguous.
// Reduced elements are numbered row-major over the reduced dims: for one dim, the index
// along it; for every dim, the flat index (what torch.argmax returns).
#include <cstdint>

#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

// out = sum of x over the reduced dims. Float32 sums accumulate in float64.
void sum_forward(const ConstView& x, const MutView& out);
// out = mean of x over the reduced dims; over an empty dim it is 0 / 0 = NaN, as in torch.
void mean_forward(const ConstView& x, const MutView& out);
// out = sum((x - mean)^2) / max(R - correction, 0) over the reduced dims, R elements each
// (torch.var); two passes in float64. mean, unless its data is null, receives the mean.
void var_forward(const ConstView& x, std::int64_t correction, const MutView& out, const MutView& mean);

enum class Extremum { max, min };
// values = max or min over the reduced dims (skipped when values.data is null); indices
// (int64) = the first position holding it. NaN counts as the extremum, as in torch.max.
// Every reduced dim must be non-empty.
void extremum_forward(Extremum op, const ConstView& x, const MutView& values, const MutView& indices);

// dx (x's shape, contiguous) = scale * grad_out broadcast back over the reduced dims;
// grad_out (keepdim form, contiguous). The backward of sum (scale 1) and mean (scale 1/R).
void sum_backward(const ConstView& grad_out, double scale, const MutView& dx);
// dx = scale * grad_out * (x - mean), with grad_out and mean in keepdim form (contiguous):
// the backward of var with scale = 2 / (R - correction).
void var_backward(const ConstView& x, const ConstView& mean, const ConstView& grad_out, double scale,
                  const MutView& dx);
// dx (x's shape, contiguous) = 0, except grad_out[k] at the position indices[k] names in
// block k: the backward of max and min.
void extremum_backward(const ConstView& grad_out, const ConstView& indices, const MutView& dx);

// Naive twins, one element at a time in float64 and single-threaded: the test oracle.
void sum_forward_reference(const ConstView& x, const MutView& out);
void var_forward_reference(const ConstView& x, std::int64_t correction, const MutView& out);
void extremum_forward_reference(Extremum op, const ConstView& x, const MutView& values, const MutView& indices);

}  // namespace nnlab::kernels
