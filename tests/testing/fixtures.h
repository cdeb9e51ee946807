#pragma once
// Input builders for op tests.
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/view.h"

namespace nnlab::testing {

// The same values as t (rank >= 2) in a non-contiguous layout: the storage holds the
// transpose of the last two dims, and the result is a transposed view of it.
inline Tensor non_contiguous(const Tensor& t) {
  const Tensor stored = clone(view::transpose(t, -1, -2));
  Tensor out = view::transpose(stored, -1, -2);
  return t.requires_grad() ? out.requires_grad_() : out;
}

// float64 N(0, 1) values that require grad, nudged at least `margin` away from zero (kinks
// of relu/abs/sign sit there; central differences across a kink are meaningless).
inline Tensor grad_input(const Shape& shape, Rng& rng, double margin = 0.0) {
  Tensor t = randn(shape, rng, DType::f64);
  if (margin > 0) {
    double* p = t.data<double>();
    for (std::int64_t i = 0; i < t.numel(); ++i) {
      if (p[i] > -margin && p[i] < margin) p[i] = p[i] < 0 ? p[i] - margin : p[i] + margin;
    }
  }
  return t.requires_grad_();
}

// The gradient of sum(f(x)) with respect to x, for a float64 x built from `values`.
template <typename F>
Tensor grad_of(const F& f, std::initializer_list<double> values) {
  const Tensor x = Tensor::from(values, DType::f64).requires_grad_();
  const Tensor y = f(x);
  y.backward(Tensor::ones(y.shape(), DType::f64));
  return x.grad();
}

}  // namespace nnlab::testing
