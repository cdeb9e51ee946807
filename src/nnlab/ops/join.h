#pragma once
// cat and stack: joining any number of tensors into one, with gradients routed back to each.
// Inputs may have any dtype (all the same); int64 tensors simply carry no gradient.
#include <cstdint>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// Concatenates along dim (torch.cat): every tensor has the first one's shape except in dim,
// and the output's size there is the sum. Throws ValueError for an empty list, ShapeError for
// a rank or size mismatch or a dim out of range, DTypeError for mixed dtypes.
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim = 0);

// Joins equal-shaped tensors along a new dim (torch.stack): (S...) x N -> (..., N, ...), with
// N inserted at dim in [-(rank + 1), rank]. Throws as cat does.
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim = 0);

}  // namespace nnlab::ops
