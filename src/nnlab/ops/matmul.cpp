// matmul for 2-D and batched 3-D operands; forward and backward are GEMM kernel calls.
// Legend: B batch, M rows of a, K inner size, N columns of b.
#include "nnlab/ops/matmul.h"

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/gemm.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

using kernels::Transpose;

// t itself when GEMM can read its layout (transposed views included), else a contiguous copy.
Tensor gemm_ready(const Tensor& t) { return kernels::gemm_accepts(t.view()) ? t : contiguous(t); }

// A 2-D (R, C) tensor seen as (B, R, C) with batch stride 0: one matrix shared by every product.
ConstView batch_broadcast(const Tensor& t, std::int64_t batch) {
  ConstView v = t.view();
  v.shape = Shape{batch, t.size(0), t.size(1)};
  v.strides = Shape{0, t.stride(0), t.stride(1)};
  return v;
}

// t (B, R, C), contiguous, as (B·R, C).
Tensor merge_batch(const Tensor& t) { return view::reshape(contiguous(t), {t.size(0) * t.size(1), t.size(2)}); }

// out (M, N) or (B, M, N) = op(a) · op(b) for the three rank pairs matmul accepts; a 2-D
// operand beside a 3-D one is shared across the batch.
void product(const Tensor& a, Transpose ta, const Tensor& b, Transpose tb, const Tensor& out) {
  if (out.dim() == 2) return kernels::gemm(a.view(), ta, b.view(), tb, out.mut_view());
  const std::int64_t batch = out.size(0);
  const ConstView av = a.dim() == 2 ? batch_broadcast(a, batch) : a.view();
  const ConstView bv = b.dim() == 2 ? batch_broadcast(b, batch) : b.view();
  kernels::gemm_batched(av, ta, bv, tb, out.mut_view());
}

struct MatmulBackward final : autograd::Node {
  Tensor a;  // (M, K) or (B, M, K); saved only when b needs a gradient
  Tensor b;  // (K, N) or (B, K, N); saved only when a needs a gradient
  bool shared_b = false;  // a is 3-D and b 2-D: the batch merges into the rows

  std::string_view name() const override { return "matmul"; }

  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const Tensor dc = gemm_ready(grad_out);
    if (shared_b) return backward_shared_b(dc, grads);
    if (grads.wants(0)) {  // dA (B?, M, K) = dC (B?, M, N) · Bᵀ (B?, N, K)
      product(dc, Transpose::no, b, Transpose::yes, grads.output(0));
    }
    if (grads.wants(1)) {  // dB (B?, K, N) = Aᵀ (B?, K, M) · dC (B?, M, N)
      product(a, Transpose::yes, dc, Transpose::no, grads.output(1));
    }
  }

  // With ' marking (B, M, ·) merged into (B·M, ·), each gradient is one product, no loop:
  void backward_shared_b(const Tensor& dc, autograd::GradSink& grads) const {
    if (grads.wants(0)) {  // dA' (B·M, K) = dC' (B·M, N) · Bᵀ (N, K)
      kernels::gemm(merge_batch(dc).view(), Transpose::no, b.view(), Transpose::yes,
                    merge_batch(grads.output(0)).mut_view());
    }
    if (grads.wants(1)) {  // dB (K, N) = Σ_i A_iᵀ · dC_i = A'ᵀ (K, B·M) · dC' (B·M, N)
      kernels::gemm(merge_batch(a).view(), Transpose::yes, merge_batch(dc).view(), Transpose::no,
                    grads.output(1).mut_view());
    }
  }
};

void check_operands(const Tensor& a, const Tensor& b) {
  check_floating(a, "matmul");
  check_floating(b, "matmul");
  check_same_dtype(a, b, "matmul");
  const bool ranks_ok = (a.dim() == 2 || a.dim() == 3) && (b.dim() == 2 || b.dim() == a.dim());
  NNLAB_CHECK(ranks_ok, ShapeError, "matmul: {} x {}: expected 2-D x 2-D, 3-D x 3-D or 3-D x 2-D operands",
              a.shape(), b.shape());
  NNLAB_CHECK(a.size(-1) == b.size(-2), ShapeError, "matmul: {} x {}: inner sizes differ ({} vs {})", a.shape(),
              b.shape(), a.size(-1), b.size(-2));
  NNLAB_CHECK(b.dim() == 2 || a.size(0) == b.size(0), ShapeError, "matmul: {} x {}: batch sizes differ ({} vs {})",
              a.shape(), b.shape(), a.size(0), b.size(0));
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_operands(a, b);
  const Tensor ga = gemm_ready(a), gb = gemm_ready(b);
  Shape out_shape = a.shape();
  out_shape[out_shape.rank() - 1] = b.size(-1);
  Tensor out = Tensor::empty(out_shape, a.dtype());
  if (a.dim() == 3 && b.dim() == 2 && ga.is_contiguous()) {
    // (B·M, K) · (K, N): one large product instead of B small ones
    kernels::gemm(merge_batch(ga).view(), Transpose::no, gb.view(), Transpose::no, merge_batch(out).mut_view());
  } else {
    product(ga, Transpose::no, gb, Transpose::no, out);
  }

  if (autograd::should_record({a, b})) {
    auto& node = autograd::record<MatmulBackward>(out, {a, b});
    node.shared_b = a.dim() == 3 && b.dim() == 2;
    if (b.requires_grad()) node.a = ga.detach();
    if (a.requires_grad()) node.b = gb.detach();
  }
  return out;
}

}  // namespace nnlab::ops
