#pragma once
// Batch normalisation kernels. Legend: x is contiguous and viewed as (N, C, L): N the batch,
// C the channels (dim 1), L the product of the trailing dims (1 for (N, C) input). Per-channel
// vectors (mean, invstd, weight, bias and their gradients) are contiguous (C). A view whose
// data is null means "none" (no affine weight or bias, or a gradient nobody wants).
#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

// mean (C) and biased variance var (C) = sum((x - mean)^2) / (N L), in two passes over x with
// float64 accumulators.
void batch_norm_stats(const ConstView& x, const MutView& mean, const MutView& var);

// out (N, C, L) = (x - mean[c]) * invstd[c] * weight[c] + bias[c] (weight 1, bias 0 when none).
void batch_norm_forward(const ConstView& x, const ConstView& mean, const ConstView& invstd, const ConstView& weight,
                        const ConstView& bias, const MutView& out);

// Gradients of batch_norm_forward with xhat = (x - mean) * invstd and M = N L:
//   dbias[c]   = sum(dout)                         dweight[c] = sum(dout * xhat)
//   training:  dx = weight * invstd * (dout - dbias / M - xhat * dweight / M)   (mean, invstd from x)
//   eval:      dx = weight * invstd * dout                                      (constant statistics)
// Each of dx, dweight, dbias is written only when its data is non-null.
void batch_norm_backward(const ConstView& x, const ConstView& dout, const ConstView& mean, const ConstView& invstd,
                         const ConstView& weight, bool training, const MutView& dx, const MutView& dweight,
                         const MutView& dbias);

}  // namespace nnlab::kernels
