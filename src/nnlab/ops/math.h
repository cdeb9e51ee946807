#pragma once
// Elementwise math: exp, log, sqrt, pow, abs, sign, sin, cos, clamp, square, reciprocal, with the
// semantics of their torch namesakes (log(0) = -inf, sqrt(-1) = NaN, sign(0) = 0).
// Each takes a float32 or float64 tensor of any shape and layout and returns a new contiguous
// tensor; an int64 input throws DTypeError.
#include <optional>

#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor square(const Tensor& x);      // x · x
Tensor reciprocal(const Tensor& x);  // 1 / x
Tensor abs(const Tensor& x);         // gradient sign(x): 0 at x = 0, as torch
Tensor sign(const Tensor& x);        // -1, 0 or 1; gradient 0
Tensor sin(const Tensor& x);         // gradient cos(x)
Tensor cos(const Tensor& x);         // gradient -sin(x)

// x ^ exponent. The gradient is 0 everywhere for exponent 0, as torch.pow.
Tensor pow(const Tensor& x, double exponent);
// x ^ exponent elementwise, NumPy broadcasting (https://pytorch.org/docs/stable/generated/torch.pow.html).
// Gradients: exponent · x^(exponent-1) (0 where exponent == 0) and x^exponent · ln x (0 where
// x == 0 and exponent >= 0), summed back to each input's shape. Throws ShapeError when the
// shapes do not broadcast, DTypeError when the dtypes differ or are not floating.
Tensor pow(const Tensor& x, const Tensor& exponent);

// Each element limited to [min, max]; a missing bound does not limit (torch.clamp). The
// gradient is 1 where min <= x <= max and 0 elsewhere. Throws ValueError when neither bound is
// given, a bound is NaN, or min > max (torch.clamp then returns max everywhere, which hides what
// is almost always a swapped pair of arguments).
Tensor clamp(const Tensor& x, std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);

}  // namespace nnlab::ops
