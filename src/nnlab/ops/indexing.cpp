// index_select, gather, where and masked_fill. Forward selects through kernels/indexing.h or
// kernels/where.h; backward routes the gradient to where each value came from.
#include "nnlab/ops/indexing.h"

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/indexing.h"
#include "nnlab/kernels/where.h"
#include "nnlab/ops/broadcast.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

void check_index(const Tensor& x, const Tensor& index, const char* op) {
  check_defined(x, op);
  check_defined(index, op);
  NNLAB_CHECK(index.dtype() == DType::i64, DTypeError, "{}: index must be int64, got {}", op, index.dtype());
  NNLAB_CHECK(x.dim() > 0, ShapeError, "{}: expected an input of rank >= 1, got shape {}", op, x.shape());
}

void check_index_values(const Tensor& index, std::int64_t size, int dim, const char* op) {
  const std::optional<std::int64_t> bad = kernels::first_out_of_range(index.view(), size);
  NNLAB_CHECK(!bad, ValueError, "{}: index {} is out of range for dim {} of size {}", op, *bad, dim, size);
}

// condition ? a : b with all three broadcast together; no autograd.
Tensor select_by(const Tensor& condition, const Tensor& a, const Tensor& b, const char* op) {
  const Shape shape = view::broadcast_shapes(view::broadcast_shapes(condition.shape(), a.shape(), op), b.shape(), op);
  Tensor out = Tensor::empty(shape, a.dtype());
  kernels::where_forward(view::expand(condition, shape).view(), view::expand(a, shape).view(),
                         view::expand(b, shape).view(), out.mut_view());
  return out;
}

// dX (x's shape) = 0, then dX.select(dim, index[j]) += dOut.select(dim, j) for each j.
struct IndexSelectBackward final : autograd::Node {
  int dim = 0;
  Tensor index;  // (n) int64
  std::string_view name() const override { return "index_select"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Tensor dx = Tensor::zeros(edges()[0].shape, edges()[0].dtype);
    kernels::index_add(dx.mut_view(), dim, index.view(), grad_out.view());
    grads.set(0, dx);
  }
};

// dX (x's shape) = 0, then dX[i with i_dim replaced by index[i]] += dOut[i] (dOut has index's shape).
struct GatherBackward final : autograd::Node {
  int dim = 0;
  Tensor index;  // int64, the output's shape
  std::string_view name() const override { return "gather"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Tensor dx = Tensor::zeros(edges()[0].shape, edges()[0].dtype);
    kernels::scatter_add(dx.mut_view(), dim, index.view(), grad_out.view());
    grads.set(0, dx);
  }
};

// dA = sum_to_a(c ? dOut : 0), dB = sum_to_b(c ? 0 : dOut); dOut has the broadcast shape.
struct WhereBackward final : autograd::Node {
  Tensor condition;
  std::string_view name() const override { return "where"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Tensor zero = Tensor::scalar(0.0, grad_out.dtype());
    if (grads.wants(0)) grads.set(0, reduce_to_shape(select_by(condition, grad_out, zero, "where"), edges()[0].shape));
    if (grads.wants(1)) grads.set(1, reduce_to_shape(select_by(condition, zero, grad_out, "where"), edges()[1].shape));
  }
};

// dX = mask ? 0 : dOut (x's shape; the mask broadcasts to it).
struct MaskedFillBackward final : autograd::Node {
  Tensor mask;
  std::string_view name() const override { return "masked_fill"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    grads.set(0, select_by(mask, Tensor::scalar(0.0, grad_out.dtype()), grad_out, "masked_fill"));
  }
};

}  // namespace

Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index) {
  check_index(x, index, "index_select");
  NNLAB_CHECK(index.dim() == 1, ShapeError, "index_select: index must be 1-D, got shape {}", index.shape());
  const int d = normalize_dim(dim, x.dim(), "index_select");
  check_index_values(index, x.shape()[d], d, "index_select");

  Shape shape = x.shape();
  shape[d] = index.shape()[0];
  Tensor out = Tensor::empty(shape, x.dtype());
  kernels::index_select_forward(x.view(), d, index.view(), out.mut_view());

  if (autograd::should_record({x})) {
    auto& node = autograd::record<IndexSelectBackward>(out, {x});
    node.dim = d;
    node.index = index.detach();
  }
  return out;
}

Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index) {
  check_index(x, index, "gather");
  NNLAB_CHECK(index.dim() == x.dim(), ShapeError,
              "gather: index must have the input's rank {}, got index {} for input {}", x.dim(), index.shape(),
              x.shape());
  const int d = normalize_dim(dim, x.dim(), "gather");
  for (int k = 0; k < x.dim(); ++k) {
    NNLAB_CHECK(k == d || index.shape()[k] <= x.shape()[k], ShapeError,
                "gather: index {} is larger than the input {} in dim {}; only dim {} may be larger", index.shape(),
                x.shape(), k, d);
  }
  check_index_values(index, x.shape()[d], d, "gather");

  Tensor out = Tensor::empty(index.shape(), x.dtype());
  kernels::gather_forward(x.view(), d, index.view(), out.mut_view());

  if (autograd::should_record({x})) {
    auto& node = autograd::record<GatherBackward>(out, {x});
    node.dim = d;
    node.index = index.detach();
  }
  return out;
}

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  check_defined(condition, "where: condition");
  check_defined(a, "where: a");
  check_defined(b, "where: b");
  check_same_dtype(a, b, "where");
  Tensor out = select_by(condition, a, b, "where");
  if (autograd::should_record({a, b})) {
    autograd::record<WhereBackward>(out, {a, b}).condition = condition.detach();
  }
  return out;
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  check_defined(x, "masked_fill");
  check_defined(mask, "masked_fill: mask");
  NNLAB_CHECK(view::broadcast_shapes(x.shape(), mask.shape(), "masked_fill") == x.shape(), ShapeError,
              "masked_fill: mask of shape {} must broadcast to the input's shape {}", mask.shape(), x.shape());
  Tensor out = select_by(mask, Tensor::scalar(value, x.dtype()), x, "masked_fill");
  if (autograd::should_record({x})) autograd::record<MaskedFillBackward>(out, {x}).mask = mask.detach();
  return out;
}

}  // namespace nnlab::ops
