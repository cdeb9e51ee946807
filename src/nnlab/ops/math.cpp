// Elementwise math ops. The one-input ops share ops/unary's recipe; their derivative formulas
// are repeated here as a summary and live beside the forward formulas in kernels/cpu/unary.cpp.
#include "nnlab/ops/math.h"

#include <cmath>

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/unary.h"
#include "nnlab/ops/broadcast.h"
#include "nnlab/ops/unary.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {

using kernels::UnaryOp;

Tensor exp(const Tensor& x) { return detail::unary(UnaryOp::exp, x); }                // dx = dy · y
Tensor log(const Tensor& x) { return detail::unary(UnaryOp::log, x); }                // dx = dy / x
Tensor sqrt(const Tensor& x) { return detail::unary(UnaryOp::sqrt, x); }              // dx = dy / 2y
Tensor square(const Tensor& x) { return detail::unary(UnaryOp::square, x); }          // dx = dy · 2x
Tensor reciprocal(const Tensor& x) { return detail::unary(UnaryOp::reciprocal, x); }  // dx = -dy · y²
Tensor abs(const Tensor& x) { return detail::unary(UnaryOp::abs, x); }                // dx = dy · sign(x)
Tensor sign(const Tensor& x) { return detail::unary(UnaryOp::sign, x); }              // dx = 0
Tensor sin(const Tensor& x) { return detail::unary(UnaryOp::sin, x); }                // dx = dy · cos x
Tensor cos(const Tensor& x) { return detail::unary(UnaryOp::cos, x); }                // dx = -dy · sin x

// dx = dy · p · x^(p-1), and 0 for p = 0.
Tensor pow(const Tensor& x, double exponent) { return detail::unary(UnaryOp::pow, x, {.exponent = exponent}); }

// dx = dy where min <= x <= max, else 0.
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max) {
  NNLAB_CHECK(min || max, ValueError, "clamp: expected at least one of min and max, got neither");
  NNLAB_CHECK(!(min && std::isnan(*min)) && !(max && std::isnan(*max)), ValueError,
              "clamp: expected bounds that are numbers, got min {} and max {}", min ? *min : -INFINITY,
              max ? *max : INFINITY);
  NNLAB_CHECK(!(min && max) || *min <= *max, ValueError, "clamp: min ({}) must not exceed max ({})", *min, *max);
  kernels::UnaryParams params;
  if (min) params.min = *min;
  if (max) params.max = *max;
  return detail::unary(UnaryOp::clamp, x, params);
}

namespace {

// y = a^b, a and b broadcast to y's shape (M); the gradients are summed back to each input.
struct PowBackward final : autograd::Node {
  Tensor base, exponent;  // detached inputs, in their own shapes

  std::string_view name() const override { return "pow"; }

  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Shape& shape = grad_out.shape();
    const Tensor a = contiguous(view::expand(base, shape));
    const Tensor b = contiguous(view::expand(exponent, shape));
    const Tensor da = grads.wants(0) ? Tensor::empty(shape, grad_out.dtype()) : Tensor();
    const Tensor db = grads.wants(1) ? Tensor::empty(shape, grad_out.dtype()) : Tensor();
    // da (M) = dy · b · a^(b-1);  db (M) = dy · a^b · ln a   (kernels::pow_backward has the zeros)
    kernels::pow_backward(a.view(), b.view(), grad_out.view(), da.defined() ? da.mut_view() : MutView{},
                          db.defined() ? db.mut_view() : MutView{});
    if (grads.wants(0)) grads.set(0, reduce_to_shape(da, edges()[0].shape));
    if (grads.wants(1)) grads.set(1, reduce_to_shape(db, edges()[1].shape));
  }
};

}  // namespace

Tensor pow(const Tensor& x, const Tensor& exponent) {
  check_floating(x, "pow");
  check_floating(exponent, "pow");
  check_same_dtype(x, exponent, "pow");
  const Shape shape = view::broadcast_shapes(x.shape(), exponent.shape(), "pow");
  Tensor out = Tensor::empty(shape, x.dtype());
  kernels::pow_forward(view::expand(x, shape).view(), view::expand(exponent, shape).view(), out.mut_view());

  if (autograd::should_record({x, exponent})) {
    auto& node = autograd::record<PowBackward>(out, {x, exponent});
    node.base = x.detach();
    node.exponent = exponent.detach();
  }
  return out;
}

}  // namespace nnlab::ops
