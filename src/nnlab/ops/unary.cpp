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
  static constexpr bool kReplayable = true;
  kernels::UnaryOp op = kernels::UnaryOp::exp;
  kernels::UnaryParams params;
  // The buffer of x or y, whichever f' reads (none for sign): both are contiguous in the
  // input's shape and dtype, so the storage and offset are all there is to keep. (A detached
  // tensor would cost an object per op; y itself would own its own grad_fn.)
  IntrusivePtr<Storage> saved;
  std::int64_t saved_offset = 0;  // elements

  std::string_view name() const override { return kernels::unary_name(op); }

  void save(const Tensor& t) {
    saved = t.impl()->storage;
    saved_offset = t.offset();
  }

  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    if (!grads.wants(0)) return;
    const autograd::Edge& input = edges()[0];
    ConstView saved_view;
    if (saved) {
      const auto* data = static_cast<const char*>(saved->data()) + saved_offset * dtype_size(input.dtype);
      saved_view = {data, input.dtype, input.shape, contiguous_strides(input.shape)};
    }
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
      case kernels::UnarySaved::input: node.save(input); break;
      case kernels::UnarySaved::output: node.save(out); break;
      case kernels::UnarySaved::none: break;
    }
  }
  return out;
}

}  // namespace nnlab::ops::detail
