#pragma once
// softmax and log_softmax along one dim, as torch.softmax / torch.log_softmax. Numerically
// stable: the max along dim is subtracted first, so logits of 1000 give exact probabilities.
#include <cstdint>

#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// exp(x) / sum(exp(x)) along dim (negative dims count from the end). Float32 or float64; the
// result is contiguous with x's shape. https://pytorch.org/docs/stable/generated/torch.nn.functional.softmax.html
Tensor softmax(const Tensor& x, std::int64_t dim);
// log(softmax(x)) computed as x - max - log(sum(exp(x - max))), finite for any finite x.
Tensor log_softmax(const Tensor& x, std::int64_t dim);

}  // namespace nnlab::ops
