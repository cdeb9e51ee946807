// Dropout: the forward draws the mask (kernels/dropout.h) and the node keeps it for backward.
#include "nnlab/ops/dropout.h"

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/dropout.h"
#include "nnlab/kernels/elementwise.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::ops {
namespace {

// dX (x's shape) = dOut · mask, mask holding 0 or 1 / (1 - p).
struct DropoutBackward final : autograd::Node {
  Tensor mask;
  std::string_view name() const override { return "dropout"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    kernels::binary_forward(kernels::BinaryOp::mul, grad_out.view(), mask.view(), grads.output(0).mut_view());
  }
};

}  // namespace

Tensor dropout(const Tensor& x, double p, bool training, Rng& rng) {
  check_floating(x, "dropout");
  NNLAB_CHECK(p >= 0.0 && p <= 1.0, ValueError, "dropout: p must be in [0, 1], got {}", p);
  if (!training || p == 0.0) return x;
  // x * 0 rather than zeros: NaN and inf stay NaN, as in PyTorch, and the gradient is 0.
  if (p == 1.0) return mul(x, 0.0);

  const Tensor source = nnlab::contiguous(x);
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  Tensor mask = Tensor::empty(x.shape(), x.dtype());
  const std::uint64_t counter = rng.offset();
  kernels::dropout_forward(source.view(), p, rng.seed(), counter, mask.mut_view(), out.mut_view());
  rng.set_offset(counter + kernels::dropout_blocks(x.numel()));

  if (autograd::should_record({x})) autograd::record<DropoutBackward>(out, {x}).mask = std::move(mask);
  return out;
}

}  // namespace nnlab::ops
