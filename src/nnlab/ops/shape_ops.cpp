#include "nnlab/ops/shape_ops.h"

#include <cstring>

#include "nnlab/autograd/node.h"
#include "nnlab/core/replay.h"
#include "nnlab/ops/broadcast.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

// reshape, flatten, squeeze, unsqueeze: the gradient is grad_out in the input's shape.
struct ReshapeBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  std::string_view name() const override { return "reshape"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    grads.set(0, view::reshape(nnlab::contiguous(grad_out), edges()[0].shape));
  }
};

struct PermuteBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  Shape inverse;  // inverse[order[i]] = i
  std::string_view name() const override { return "permute"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    grads.set(0, nnlab::contiguous(view::permute(grad_out, inverse)));
  }
};

// narrow and select: grad_out lands in the window it came from, zeros elsewhere.
struct NarrowBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  int dim = 0;
  std::int64_t start = 0;
  bool selected = false;  // select removed `dim`
  std::string_view name() const override { return selected ? "select" : "narrow"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    Tensor dx = Tensor::zeros(edges()[0].shape, edges()[0].dtype);
    if (selected && grad_out.numel() == 1) {  // one element (an entry of a vector): one copy, no view
      const std::size_t bytes = dtype_size(dx.dtype());
      const auto copy = [to = static_cast<char*>(dx.data_ptr()) + start * dx.strides()[dim] * bytes,
                         from = grad_out.data_ptr(), bytes] { std::memcpy(to, from, bytes); };
      copy();
      if (replay::Recording* recording = replay::active()) recording->add(copy);
    } else {
      copy_into(selected ? view::select(dx, dim, start) : view::narrow(dx, dim, start, grad_out.shape()[dim]),
                grad_out);
    }
    grads.set(0, dx);
  }
};

struct ExpandBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  std::string_view name() const override { return "expand"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    grads.set(0, reduce_to_shape(grad_out, edges()[0].shape));
  }
};

// contiguous, clone and dtype casts: the gradient passes through (cast back to the input's dtype).
struct CopyBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  std::string_view name() const override { return "copy"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    grads.set(0, nnlab::to_dtype(nnlab::contiguous(grad_out), edges()[0].dtype));
  }
};

template <typename NodeT>
Tensor recorded(const Tensor& x, Tensor out) {
  if (autograd::should_record({x})) autograd::record<NodeT>(out, {x});
  return out;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  const Tensor source = x.is_contiguous() ? x : nnlab::contiguous(x);
  return recorded<ReshapeBackward>(x, view::reshape(source, shape));
}

Tensor flatten(const Tensor& x, std::int64_t start_dim, std::int64_t end_dim) {
  const Tensor source = x.is_contiguous() ? x : nnlab::contiguous(x);
  return recorded<ReshapeBackward>(x, view::flatten(source, start_dim, end_dim));
}

Tensor squeeze(const Tensor& x, std::int64_t dim) { return recorded<ReshapeBackward>(x, view::squeeze(x, dim)); }
Tensor unsqueeze(const Tensor& x, std::int64_t dim) { return recorded<ReshapeBackward>(x, view::unsqueeze(x, dim)); }

Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1) {
  Shape order = Shape::filled(x.dim(), 0);
  for (int i = 0; i < x.dim(); ++i) order[i] = i;
  if (x.dim() > 0) {
    std::swap(order[normalize_dim(dim0, x.dim(), "transpose")], order[normalize_dim(dim1, x.dim(), "transpose")]);
  }
  return permute(x, order);
}

Tensor permute(const Tensor& x, const Shape& order) {
  Tensor out = view::permute(x, order);
  if (autograd::should_record({x})) {
    auto& node = autograd::record<PermuteBackward>(out, {x});
    node.inverse = Shape::filled(order.rank(), 0);
    for (int i = 0; i < order.rank(); ++i) node.inverse[normalize_dim(order[i], x.dim(), "permute")] = i;
  }
  return out;
}

Tensor narrow(const Tensor& x, std::int64_t dim, std::int64_t start, std::int64_t length) {
  Tensor out = view::narrow(x, dim, start, length);
  if (autograd::should_record({x})) {
    auto& node = autograd::record<NarrowBackward>(out, {x});
    node.dim = normalize_dim(dim, x.dim(), "narrow");
    node.start = start < 0 ? start + x.shape()[node.dim] : start;
  }
  return out;
}

Tensor select(const Tensor& x, std::int64_t dim, std::int64_t index) {
  Tensor out = view::select(x, dim, index);
  if (autograd::should_record({x})) {
    auto& node = autograd::record<NarrowBackward>(out, {x});
    node.dim = normalize_dim(dim, x.dim(), "select");
    node.start = index < 0 ? index + x.shape()[node.dim] : index;
    node.selected = true;
  }
  return out;
}

Tensor expand(const Tensor& x, const Shape& shape) { return recorded<ExpandBackward>(x, view::expand(x, shape)); }

Tensor contiguous(const Tensor& x) {
  if (x.is_contiguous()) return x;
  return recorded<CopyBackward>(x, nnlab::clone(x));
}

Tensor clone(const Tensor& x) { return recorded<CopyBackward>(x, nnlab::clone(x)); }

Tensor to_dtype(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  return recorded<CopyBackward>(x, nnlab::to_dtype(x, dtype));
}

}  // namespace nnlab::ops
