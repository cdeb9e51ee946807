// linear: y = x · Wᵀ + b as one GEMM with the bias fused; backward is two GEMMs and a
// column sum. Legend: N rows of x (every leading dim merged), I in_features, O out_features.
#include "nnlab/ops/linear.h"

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/gemm.h"
#include "nnlab/kernels/reduce.h"
#include "nnlab/kernels/unary.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

using kernels::Transpose;

// t itself when GEMM can read its layout (transposed views included), else a contiguous copy.
Tensor gemm_ready(const Tensor& t) { return kernels::gemm_accepts(t.view()) ? t : contiguous(t); }

// t (*, C) as (N, C), N the product of the leading dims (1 for a 1-D t).
Tensor as_rows(const Tensor& t) {
  if (t.dim() == 2) return t;
  std::int64_t rows = 1;
  for (int d = 0; d + 1 < t.dim(); ++d) rows *= t.size(d);
  return view::reshape(contiguous(t), {rows, t.size(-1)});
}

// The gradients of x, weight and bias (edges 0, 1, 2) from dY (N, O), as GEMM reads it; x (N, I)
// and weight (O, I) as saved by the forward.
void linear_backward(const Tensor& dy, const Tensor& x, const Tensor& weight, autograd::GradSink& grads) {
  if (grads.wants(0)) {  // dX (N, I) = dY (N, O) · W (O, I)
    kernels::gemm(dy.view(), Transpose::no, weight.view(), Transpose::no, as_rows(grads.output(0)).mut_view());
  }
  if (grads.wants(1)) {  // dW (O, I) = dYᵀ (O, N) · X (N, I)
    kernels::gemm(dy.view(), Transpose::yes, x.view(), Transpose::no, grads.output(1).mut_view());
  }
  if (grads.wants(2)) {  // db (O) = Σ_n dY (n, O), computed in keepdim form (1, O)
    MutView db = grads.output(2).mut_view();
    db.shape = Shape{1, db.shape[0]};
    db.strides = contiguous_strides(db.shape);
    kernels::sum_forward(dy.view(), db);
  }
}

struct LinearBackward final : autograd::Node {
  Tensor x;       // (N, I); saved only when the weight needs a gradient
  Tensor weight;  // (O, I); saved only when x needs a gradient

  std::string_view name() const override { return "linear"; }

  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    linear_backward(gemm_ready(as_rows(grad_out)), x, weight, grads);
  }
};

struct LinearReluBackward final : autograd::Node {
  Tensor x;       // (N, I); saved only when the weight needs a gradient
  Tensor weight;  // (O, I); saved only when x needs a gradient
  // The output y (N, O), for ReLU's mask: its buffer only, as UnaryBackward keeps it (a Tensor y
  // would own this node, its grad_fn). y is a fresh contiguous tensor, so its data starts there.
  IntrusivePtr<Storage> y;
  Shape y_rows;

  std::string_view name() const override { return "linear_relu"; }

  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const DType dtype = edges()[0].dtype;  // x's, and so y's
    const ConstView y_view{y->data(), dtype, y_rows, contiguous_strides(y_rows)};
    const Tensor dy = Tensor::empty(y_rows, dtype);  // dY · (y > 0), as ReLU's backward writes it
    kernels::unary_backward(kernels::UnaryOp::relu, {}, y_view, as_rows(grad_out).view(), dy.mut_view());
    linear_backward(dy, x, weight, grads);
  }
};

void check_arguments(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_floating(x, "linear: input");
  check_floating(weight, "linear: weight");
  check_same_dtype(x, weight, "linear: input and weight");
  NNLAB_CHECK(weight.dim() == 2, ShapeError, "linear: weight must be 2-D (out_features, in_features), got shape {}",
              weight.shape());
  NNLAB_CHECK(x.dim() >= 1, ShapeError, "linear: input must be at least 1-D (*, in_features), got shape {}",
              x.shape());
  NNLAB_CHECK(x.size(-1) == weight.size(1), ShapeError,
              "linear: input has {} features, weight expects {} (input {}, weight {})", x.size(-1), weight.size(1),
              x.shape(), weight.shape());
  if (!bias.defined()) return;
  check_floating(bias, "linear: bias");
  check_same_dtype(x, bias, "linear: input and bias");
  NNLAB_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), ShapeError,
              "linear: bias must have shape [{}] (out_features), got {} (weight {})", weight.size(0), bias.shape(),
              weight.shape());
}

// Y (N, O) = epilogue(X (N, I) · Wᵀ (I, O) + b), the bias added by the GEMM kernel itself; records
// the node Backward and returns it (null when nothing needs a gradient).
template <typename Backward>
Backward* linear_into(const Tensor& x, const Tensor& weight, const Tensor& bias, kernels::GemmEpilogue epilogue,
                      Tensor& out) {
  check_arguments(x, weight, bias);
  const Tensor x_rows = gemm_ready(as_rows(x));  // (N, I)
  const Tensor w = gemm_ready(weight);
  Shape out_shape = x.shape();
  out_shape[out_shape.rank() - 1] = weight.size(0);
  out = Tensor::empty(out_shape, x.dtype());
  kernels::gemm(x_rows.view(), Transpose::no, w.view(), Transpose::yes, as_rows(out).mut_view(), 1.0, 0.0,
                bias.defined() ? bias.view() : ConstView{}, epilogue);
  if (!autograd::should_record({x, weight, bias})) return nullptr;
  auto& node = autograd::record<Backward>(out, {x, weight, bias});
  if (weight.requires_grad()) node.x = x_rows.detach();
  if (x.requires_grad()) node.weight = w.detach();
  return &node;
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  Tensor out;
  linear_into<LinearBackward>(x, weight, bias, kernels::GemmEpilogue::none, out);
  return out;
}

Tensor linear_relu(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  Tensor out;
  if (auto* node = linear_into<LinearReluBackward>(x, weight, bias, kernels::GemmEpilogue::relu, out)) {
    node->y = out.impl()->storage;
    node->y_rows = as_rows(out).shape();
  }
  return out;
}

}  // namespace nnlab::ops
