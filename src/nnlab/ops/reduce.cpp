// Reductions and their backward. Kernels compute in "keepdim" form (reduced dims kept with
// size 1); the result drops them unless keepdim, and backward views grad_out in that form again.
#include "nnlab/ops/reduce.h"

#include <algorithm>
#include <array>

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/reduce.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

// Which dims of x a call reduces, and the shapes that follow.
struct ReducePlan {
  std::array<bool, kMaxDims> reduced{};
  std::int64_t count = 1;  // R: elements reduced into each output element
  Shape keep_shape;        // x's shape with 1 in each reduced dim
  Shape result_shape;      // keep_shape, or without the reduced dims
};

ReducePlan plan(const Tensor& x, const Shape& dims, bool keepdim, const char* where) {
  check_floating(x, where);
  ReducePlan r;
  for (std::int64_t dim : dims) {
    const int d = normalize_dim(dim, x.dim(), where);
    NNLAB_CHECK(!r.reduced[d], ShapeError, "{}: dim {} appears more than once in dims {}", where, dim, dims);
    r.reduced[d] = true;
  }
  for (int d = 0; d < x.dim(); ++d) {
    if (dims.rank() == 0) r.reduced[d] = true;
    if (r.reduced[d]) r.count *= x.size(d);
    r.keep_shape.push_back(r.reduced[d] ? 1 : x.size(d));
    if (keepdim || !r.reduced[d]) r.result_shape.push_back(r.keep_shape[d]);
  }
  return r;
}

// sum and mean: dx = scale * grad_out broadcast over the reduced dims (scale 1 or 1/R).
struct SumBackward final : autograd::Node {
  static constexpr bool kReplayable = true;
  Shape keep_shape;
  double scale = 1.0;
  bool is_mean = false;
  std::string_view name() const override { return is_mean ? "mean" : "sum"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    kernels::sum_backward(view::reshape(grad_out, keep_shape).view(), scale, grads.output(0).mut_view());
  }
};

// var: dx (x's shape) = grad_out * 2 (x - mean) / (R - correction), grad_out and mean broadcast.
struct VarBackward final : autograd::Node {
  Tensor x;     // the input, detached
  Tensor mean;  // keepdim form
  double scale = 0.0;
  std::string_view name() const override { return "var"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Tensor g = view::reshape(grad_out, mean.shape());
    kernels::var_backward(x.view(), mean.view(), g.view(), scale, grads.output(0).mut_view());
  }
};

// max and min: dx (x's shape) = grad_out at the saved first position of each extremum, 0 elsewhere.
struct ExtremumBackward final : autograd::Node {
  Tensor indices;  // keepdim form, int64
  bool is_max = true;
  std::string_view name() const override { return is_max ? "max" : "min"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Tensor g = view::reshape(grad_out, indices.shape());
    kernels::extremum_backward(g.view(), indices.view(), grads.output(0).mut_view());
  }
};

Tensor sum_or_mean(const Tensor& x, const Shape& dims, bool keepdim, bool is_mean) {
  const char* where = is_mean ? "mean" : "sum";
  const ReducePlan r = plan(x, dims, keepdim, where);
  Tensor out = Tensor::empty(r.keep_shape, x.dtype());
  if (is_mean) {
    kernels::mean_forward(x.view(), out.mut_view());
  } else {
    kernels::sum_forward(x.view(), out.mut_view());
  }
  out = view::reshape(out, r.result_shape);
  if (autograd::should_record({x})) {
    auto& node = autograd::record<SumBackward>(out, {x});
    node.keep_shape = r.keep_shape;
    node.scale = is_mean ? 1.0 / static_cast<double>(r.count) : 1.0;
    node.is_mean = is_mean;
  }
  return out;
}

// values and indices of max/min over `dims`, in keepdim form; values only when wanted.
void extremum(kernels::Extremum op, const Tensor& x, const ReducePlan& r, const char* where, Tensor* values,
              Tensor& indices) {
  NNLAB_CHECK(r.count > 0, ShapeError, "{}: cannot reduce over an empty dim, got input {}", where, x.shape());
  indices = Tensor::empty(r.keep_shape, DType::i64);
  MutView value_view{};
  if (values != nullptr) {
    *values = Tensor::empty(r.keep_shape, x.dtype());
    value_view = values->mut_view();
  }
  kernels::extremum_forward(op, x.view(), value_view, indices.mut_view());
}

Tensor max_or_min(const Tensor& x, const Shape& dims, bool keepdim, bool is_max) {
  const char* where = is_max ? "max" : "min";
  const ReducePlan r = plan(x, dims, keepdim, where);
  Tensor values, indices;
  extremum(is_max ? kernels::Extremum::max : kernels::Extremum::min, x, r, where, &values, indices);
  Tensor out = view::reshape(values, r.result_shape);
  if (autograd::should_record({x})) {
    auto& node = autograd::record<ExtremumBackward>(out, {x});
    node.indices = indices;
    node.is_max = is_max;
  }
  return out;
}

Tensor arg_extremum(const Tensor& x, const Shape& dims, bool keepdim, bool is_max) {
  const char* where = is_max ? "argmax" : "argmin";
  const ReducePlan r = plan(x, dims, keepdim, where);
  Tensor indices;
  extremum(is_max ? kernels::Extremum::max : kernels::Extremum::min, x, r, where, nullptr, indices);
  return view::reshape(indices, r.result_shape);
}

}  // namespace

Tensor sum(const Tensor& x) { return sum_or_mean(x, Shape{}, false, false); }
Tensor sum(const Tensor& x, std::int64_t dim, bool keepdim) { return sum_or_mean(x, Shape{dim}, keepdim, false); }
Tensor sum(const Tensor& x, const Shape& dims, bool keepdim) { return sum_or_mean(x, dims, keepdim, false); }

Tensor mean(const Tensor& x) { return sum_or_mean(x, Shape{}, false, true); }
Tensor mean(const Tensor& x, std::int64_t dim, bool keepdim) { return sum_or_mean(x, Shape{dim}, keepdim, true); }
Tensor mean(const Tensor& x, const Shape& dims, bool keepdim) { return sum_or_mean(x, dims, keepdim, true); }

Tensor var(const Tensor& x) { return var(x, Shape{}, 1, false); }
Tensor var(const Tensor& x, std::int64_t dim, std::int64_t correction, bool keepdim) {
  return var(x, Shape{dim}, correction, keepdim);
}

Tensor var(const Tensor& x, const Shape& dims, std::int64_t correction, bool keepdim) {
  const ReducePlan r = plan(x, dims, keepdim, "var");
  NNLAB_CHECK(correction >= 0, ValueError, "var: correction must be >= 0, got {}", correction);
  const bool record = autograd::should_record({x});
  Tensor out = Tensor::empty(r.keep_shape, x.dtype());
  Tensor mean_out = record ? Tensor::empty(r.keep_shape, x.dtype()) : Tensor();
  kernels::var_forward(x.view(), correction, out.mut_view(), record ? mean_out.mut_view() : MutView{});
  out = view::reshape(out, r.result_shape);
  if (record) {
    auto& node = autograd::record<VarBackward>(out, {x});
    node.x = x.detach();
    node.mean = mean_out;
    // 2 / 0 = inf where R <= correction: the forward is NaN or inf there too, as in torch.
    node.scale = 2.0 / static_cast<double>(std::max<std::int64_t>(r.count - correction, 0));
  }
  return out;
}

Tensor max(const Tensor& x) { return max_or_min(x, Shape{}, false, true); }
Tensor max(const Tensor& x, std::int64_t dim, bool keepdim) { return max_or_min(x, Shape{dim}, keepdim, true); }
Tensor max(const Tensor& x, const Shape& dims, bool keepdim) { return max_or_min(x, dims, keepdim, true); }
Tensor min(const Tensor& x) { return max_or_min(x, Shape{}, false, false); }
Tensor min(const Tensor& x, std::int64_t dim, bool keepdim) { return max_or_min(x, Shape{dim}, keepdim, false); }
Tensor min(const Tensor& x, const Shape& dims, bool keepdim) { return max_or_min(x, dims, keepdim, false); }

Tensor argmax(const Tensor& x) { return arg_extremum(x, Shape{}, false, true); }
Tensor argmax(const Tensor& x, std::int64_t dim, bool keepdim) { return arg_extremum(x, Shape{dim}, keepdim, true); }
Tensor argmin(const Tensor& x) { return arg_extremum(x, Shape{}, false, false); }
Tensor argmin(const Tensor& x, std::int64_t dim, bool keepdim) { return arg_extremum(x, Shape{dim}, keepdim, false); }

}  // namespace nnlab::ops
