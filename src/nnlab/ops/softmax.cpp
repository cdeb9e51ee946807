// softmax and log_softmax. Both save only their output: the gradient is written from it.
#include "nnlab/ops/softmax.h"

#include "nnlab/autograd/node.h"
#include "nnlab/kernels/softmax.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::ops {
namespace {

// softmax:     dx = y * (g - sum_dim(g * y))
// log_softmax: dx = g - exp(y) * sum_dim(g)      (y: the output, g: grad_out; all of x's shape)
struct SoftmaxBackward final : autograd::Node {
  Tensor out;  // detached
  int dim = 0;
  bool log = false;
  std::string_view name() const override { return log ? "log_softmax" : "softmax"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const MutView dx = grads.output(0).mut_view();
    if (log) {
      kernels::log_softmax_backward(out.view(), grad_out.view(), dim, dx);
    } else {
      kernels::softmax_backward(out.view(), grad_out.view(), dim, dx);
    }
  }
};

Tensor softmax_along(const Tensor& x, std::int64_t dim, bool log) {
  const char* where = log ? "log_softmax" : "softmax";
  check_floating(x, where);
  const int d = normalize_dim(dim, x.dim(), where);
  const Tensor input = contiguous(x);
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  if (log) {
    kernels::log_softmax_forward(input.view(), d, out.mut_view());
  } else {
    kernels::softmax_forward(input.view(), d, out.mut_view());
  }
  if (autograd::should_record({x})) {
    auto& node = autograd::record<SoftmaxBackward>(out, {x});
    node.out = out.detach();
    node.dim = d;
    node.log = log;
  }
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, std::int64_t dim) { return softmax_along(x, dim, false); }
Tensor log_softmax(const Tensor& x, std::int64_t dim) { return softmax_along(x, dim, true); }

}  // namespace nnlab::ops
