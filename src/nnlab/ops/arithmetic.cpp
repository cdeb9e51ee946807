// Broadcasting arithmetic. Each backward sums its gradient back to the input's shape with
// reduce_to_shape; backward runs under no-grad, so it may call these ops without recording.
#include "nnlab/ops/arithmetic.h"

#include "nnlab/autograd/node.h"
#include "nnlab/kernels/elementwise.h"
#include "nnlab/ops/broadcast.h"
#include "nnlab/ops/compare.h"
#include "nnlab/ops/indexing.h"
#include "nnlab/ops/unary.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

// A tensor-scalar op as a one-input op: no scalar tensor, no broadcasting, one edge. The
// kernel rounds the scalar to the tensor's dtype first, as a scalar tensor of that dtype would be.
Tensor with_scalar(kernels::UnaryOp op, const Tensor& x, double c) { return detail::unary(op, x, {.scalar = c}); }

Tensor compute_binary(kernels::BinaryOp op, const Tensor& a, const Tensor& b, const char* name) {
  check_floating(a, name);
  check_floating(b, name);
  check_same_dtype(a, b, name);
  const Shape shape = a.shape() == b.shape() ? a.shape() : view::broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = Tensor::empty(shape, a.dtype());
  const Tensor a_full = a.shape() == shape ? a : view::expand(a, shape);
  const Tensor b_full = b.shape() == shape ? b : view::expand(b, shape);
  kernels::binary_forward(op, a_full.view(), b_full.view(), out.mut_view());
  return out;
}

// d(a + b) = (g, g); d(a - b) = (g, -g).
struct AddBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  double b_sign = 1.0;
  std::string_view name() const override { return b_sign > 0 ? "add" : "sub"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    if (grads.wants(0)) grads.set(0, reduce_to_shape(grad_out, edges()[0].shape));
    if (grads.wants(1)) {
      Tensor g = reduce_to_shape(grad_out, edges()[1].shape);
      grads.set(1, b_sign > 0 ? g : neg(g));
    }
  }
};

// d(a * b) = (g * b, g * a).
struct MulBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  Tensor a, b;
  std::string_view name() const override { return "mul"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    if (grads.wants(0)) grads.set(0, reduce_to_shape(mul(grad_out, b), edges()[0].shape));
    if (grads.wants(1)) grads.set(1, reduce_to_shape(mul(grad_out, a), edges()[1].shape));
  }
};

// d(a / b) = (g / b, -g * a / b^2).
struct DivBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  Tensor a, b;
  std::string_view name() const override { return "div"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Tensor g_over_b = div(grad_out, b);
    if (grads.wants(0)) grads.set(0, reduce_to_shape(g_over_b, edges()[0].shape));
    if (grads.wants(1)) grads.set(1, reduce_to_shape(neg(div(mul(g_over_b, a), b)), edges()[1].shape));
  }
};

// Max/min: the whole gradient goes to the winning side; ties go to a, as a >= b selects a.
struct SelectBackward final : autograd::Node {
  Tensor a, b;
  bool is_max = true;
  std::string_view name() const override { return is_max ? "maximum" : "minimum"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Tensor a_wins = is_max ? ge(a, b) : le(a, b);  // int64 0/1, broadcast to grad_out's shape
    const Tensor zero = Tensor::scalar(0.0, grad_out.dtype());
    if (grads.wants(0)) grads.set(0, reduce_to_shape(where(a_wins, grad_out, zero), edges()[0].shape));
    if (grads.wants(1)) grads.set(1, reduce_to_shape(where(a_wins, zero, grad_out), edges()[1].shape));
  }
};

Tensor add_or_sub(const Tensor& a, const Tensor& b, double b_sign) {
  const char* name = b_sign > 0 ? "add" : "sub";
  Tensor out = compute_binary(b_sign > 0 ? kernels::BinaryOp::add : kernels::BinaryOp::sub, a, b, name);
  if (autograd::should_record({a, b})) autograd::record<AddBackward>(out, {a, b}).b_sign = b_sign;
  return out;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) { return add_or_sub(a, b, 1.0); }
Tensor sub(const Tensor& a, const Tensor& b) { return add_or_sub(a, b, -1.0); }

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = compute_binary(kernels::BinaryOp::mul, a, b, "mul");
  if (autograd::should_record({a, b})) {
    auto& node = autograd::record<MulBackward>(out, {a, b});
    node.a = a.detach();
    node.b = b.detach();
  }
  return out;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = compute_binary(kernels::BinaryOp::div, a, b, "div");
  if (autograd::should_record({a, b})) {
    auto& node = autograd::record<DivBackward>(out, {a, b});
    node.a = a.detach();
    node.b = b.detach();
  }
  return out;
}

Tensor neg(const Tensor& x) { return detail::unary(kernels::UnaryOp::neg, x); }

Tensor maximum(const Tensor& a, const Tensor& b) {
  Tensor out = compute_binary(kernels::BinaryOp::maximum, a, b, "maximum");
  if (autograd::should_record({a, b})) {
    auto& node = autograd::record<SelectBackward>(out, {a, b});
    node.a = a.detach();
    node.b = b.detach();
  }
  return out;
}

Tensor minimum(const Tensor& a, const Tensor& b) {
  Tensor out = compute_binary(kernels::BinaryOp::minimum, a, b, "minimum");
  if (autograd::should_record({a, b})) {
    auto& node = autograd::record<SelectBackward>(out, {a, b});
    node.a = a.detach();
    node.b = b.detach();
    node.is_max = false;
  }
  return out;
}

Tensor add(const Tensor& a, double b) { return with_scalar(kernels::UnaryOp::add_scalar, a, b); }
Tensor sub(const Tensor& a, double b) { return with_scalar(kernels::UnaryOp::sub_scalar, a, b); }
Tensor sub(double a, const Tensor& b) { return with_scalar(kernels::UnaryOp::rsub_scalar, b, a); }
Tensor mul(const Tensor& a, double b) { return with_scalar(kernels::UnaryOp::mul_scalar, a, b); }
Tensor div(const Tensor& a, double b) { return with_scalar(kernels::UnaryOp::div_scalar, a, b); }
Tensor div(double a, const Tensor& b) { return with_scalar(kernels::UnaryOp::rdiv_scalar, b, a); }

}  // namespace nnlab::ops
