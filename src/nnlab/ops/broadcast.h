#pragma once
// The one helper every broadcasting op's backward uses: sums a gradient of the broadcast
// shape back down to an input's shape (Flashlight's sumAs, ggml's repeat_back).
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// grad has the broadcast shape of some input of `shape`; returns the gradient for that input:
// summed over the dims broadcasting added or stretched. Returns grad itself (contiguous) when
// the shapes already match. Runs no autograd.
Tensor reduce_to_shape(const Tensor& grad, const Shape& shape);

}  // namespace nnlab::ops
