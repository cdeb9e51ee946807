#pragma once
// Softmax and log-softmax along one dim. Every view is contiguous and all share one shape;
// `dim` is already normalised (0..rank-1, and 0 for a 0-D tensor). Both subtract the max along
// dim first, so large logits neither overflow nor lose their differences.
#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

// out = exp(x - max) / sum(exp(x - max)) along dim.
void softmax_forward(const ConstView& x, int dim, const MutView& out);
// out = (x - max) - log(sum(exp(x - max))) along dim.
void log_softmax_forward(const ConstView& x, int dim, const MutView& out);
// dx = out * (dout - sum(dout * out)) along dim, where out is softmax_forward's result.
void softmax_backward(const ConstView& out, const ConstView& dout, int dim, const MutView& dx);
// dx = dout - exp(out) * sum(dout) along dim, where out is log_softmax_forward's result.
void log_softmax_backward(const ConstView& out, const ConstView& dout, int dim, const MutView& dx);

// The naive twin of both forwards (log selects log-softmax): float64, one thread. The oracle.
void softmax_forward_reference(const ConstView& x, int dim, bool log, const MutView& out);

}  // namespace nnlab::kernels
