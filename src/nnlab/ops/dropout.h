#pragma once
// Inverted dropout, semantics of torch.nn.functional.dropout.
#include "nnlab/core/rng.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// In training, zeroes each element of x with probability p and scales the others by 1 / (1 - p),
// so the expected value is unchanged; backward multiplies by the same mask. The mask is a pure
// function of (rng.seed(), rng.offset()), whatever the thread count, and rng advances by
// kernels::dropout_blocks(x.numel()). Returns x itself when !training or p == 0, and x * 0
// when p == 1 (rng untouched in both). Throws ValueError for p outside [0, 1], DTypeError for int64 x.
// https://pytorch.org/docs/stable/generated/torch.nn.functional.dropout.html
Tensor dropout(const Tensor& x, double p, bool training, Rng& rng);

}  // namespace nnlab::ops
