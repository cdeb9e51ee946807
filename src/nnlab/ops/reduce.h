#pragma once
// Reductions with PyTorch's signatures and semantics: sum, mean, var, max, min, argmax, argmin.
// `dims` lists dims to reduce (negative ones count from the end, each at most once; an empty
// list reduces every dim, as torch.sum(x, dim=[]) does). keepdim leaves a size-1 dim in place
// of each reduced one. Inputs are float32 or float64; results have the input's dtype, except
// argmax/argmin (int64). Throws ShapeError naming the op for an out-of-range or repeated dim.
#include <cstdint>

#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// https://pytorch.org/docs/stable/generated/torch.sum.html. sum(x) is 0-D.
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor sum(const Tensor& x, const Shape& dims, bool keepdim = false);

// https://pytorch.org/docs/stable/generated/torch.mean.html. The mean of nothing is NaN.
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& x, const Shape& dims, bool keepdim = false);

// https://pytorch.org/docs/stable/generated/torch.var.html: sum((x - mean)^2) / max(R - correction, 0)
// over the R reduced elements; correction = 1 is the unbiased estimate, 0 the population
// variance. var(x) covers every element with correction 1; var(x, Shape{}, 0) with 0.
Tensor var(const Tensor& x);
Tensor var(const Tensor& x, std::int64_t dim, std::int64_t correction = 1, bool keepdim = false);
Tensor var(const Tensor& x, const Shape& dims, std::int64_t correction = 1, bool keepdim = false);

// The largest / smallest value (torch.max(x), torch.max(x, dim).values, torch.amax(x, dims)).
// The gradient goes to the first position holding it, the one argmax/argmin return (ties are
// not split as torch.amax splits them). NaN counts as the extremum. Reduced dims must be non-empty.
Tensor max(const Tensor& x);
Tensor max(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor max(const Tensor& x, const Shape& dims, bool keepdim = false);
Tensor min(const Tensor& x);
Tensor min(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor min(const Tensor& x, const Shape& dims, bool keepdim = false);

// int64 position of the first max / min (torch.argmax): argmax(x) is a 0-D flat index into x,
// argmax(x, dim) the index along dim. No gradient.
Tensor argmax(const Tensor& x);
Tensor argmax(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x);
Tensor argmin(const Tensor& x, std::int64_t dim, bool keepdim = false);

}  // namespace nnlab::ops
