// The shared unary-op recipe (see unary.h). Each op's derivative formula sits beside its
// forward formula in kernels/cpu/unary.cpp.
#include "nnlab/ops/unary.h"

#include "nnlab/autograd/node.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::ops::detail {
namespace {

// dx = dy · f'(x), with f' written from the one tensor the op saved.
struct UnaryBackward final : autograd::Node {
  kernels::UnaryOp op = kernels::UnaryOp::exp;
  kernels::UnaryParams params;
  Tensor saved;  // x or y, detached (saving y itself would make y own its own grad_fn); none for sign

  std::string_view name() const override { return kernels::unary_name(op); }

  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    if (!grads.wants(0)) return;
    const ConstView saved_view = saved.defined() ? saved.view() : ConstView{};
    kernels::unary_backward(op, params, saved_view, grad_out.view(), grads.output(0).mut_view());
  }
};

}  // namespace

Tensor unary(kernels::UnaryOp op, const Tensor& x, const kernels::UnaryParams& params) {
  check_floating(x, kernels::unary_name(op));
  const Tensor input = contiguous(x);
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  kernels::unary_forward(op, params, input.view(), out.mut_view());

  if (autograd::should_record({x})) {
    auto& node = autograd::record<UnaryBackward>(out, {x});
    node.op = op;
    node.params = params;
    switch (kernels::unary_saved(op)) {
      case kernels::UnarySaved::input: node.saved = input.detach(); break;
      case kernels::UnarySaved::output: node.saved = out.detach(); break;
      case kernels::UnarySaved::none: break;
    }
  }
  return out;
}

}  // namespace nnlab::ops::detail
