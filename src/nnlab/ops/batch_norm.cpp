// batch_norm: batch or running statistics, the affine transform, and the running-statistics
// update, with a hand-written fused backward (kernels/norm.h).
#include "nnlab/ops/batch_norm.h"

#include <cmath>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/norm.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::ops {
namespace {

// Inputs: 0 x (N, C, *), 1 weight (C), 2 bias (C). See kernels::batch_norm_backward for the
// formulas: dx (N, C, *), dweight (C), dbias (C).
struct BatchNormBackward final : autograd::Node {
  Tensor x;       // detached, contiguous
  Tensor mean;    // (C): the statistics the forward normalised with
  Tensor invstd;  // (C) = 1 / sqrt(var + eps)
  Tensor weight;  // (C) detached, or undefined
  bool training = false;
  std::string_view name() const override { return "batch_norm"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const MutView none{};
    kernels::batch_norm_backward(x.view(), grad_out.view(), mean.view(), invstd.view(),
                                 weight.defined() ? weight.view() : ConstView{}, training,
                                 grads.wants(0) ? grads.output(0).mut_view() : none,
                                 grads.wants(1) ? grads.output(1).mut_view() : none,
                                 grads.wants(2) ? grads.output(2).mut_view() : none);
  }
};

void check_channel_tensor(const Tensor& t, const Tensor& x, const char* what) {
  if (!t.defined()) return;
  check_same_dtype(x, t, "batch_norm");
  NNLAB_CHECK(t.dim() == 1 && t.size(0) == x.size(1), ShapeError,
              "batch_norm: expected {} of shape [{}] for input of shape {}, got {}", what, x.size(1), x.shape(),
              t.shape());
}

void validate(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
              const Tensor& bias, bool training) {
  check_defined(x, "batch_norm: input");
  check_floating(x, "batch_norm");
  NNLAB_CHECK(x.dim() >= 2, ShapeError, "batch_norm: expected input of rank 2 or more (N, C, *), got shape {}",
              x.shape());
  check_channel_tensor(running_mean, x, "running_mean");
  check_channel_tensor(running_var, x, "running_var");
  check_channel_tensor(weight, x, "weight");
  check_channel_tensor(bias, x, "bias");
  NNLAB_CHECK(running_mean.defined() == running_var.defined(), ValueError,
              "batch_norm: expected running_mean and running_var both given or both absent, got only {}",
              running_mean.defined() ? "running_mean" : "running_var");
  if (training) {
    NNLAB_CHECK(x.numel() / x.size(1) > 1, ValueError,
                "batch_norm: expected more than 1 value per channel when training, got input of shape {}",
                x.shape());
  } else {
    NNLAB_CHECK(running_mean.defined(), ValueError,
                "batch_norm: expected running_mean and running_var in eval mode (training=false), got none");
  }
}

// running = (1 - momentum) * running + momentum * batch, with var made unbiased: var * M / (M - 1).
template <typename T>
void update_running(const Tensor& running_mean, const Tensor& running_var, const Tensor& mean, const Tensor& var,
                    double count, double momentum) {
  const Tensor new_mean = nnlab::clone(running_mean), new_var = nnlab::clone(running_var);
  const T* m = mean.data<T>();
  const T* v = var.data<T>();
  T* rm = new_mean.data<T>();
  T* rv = new_var.data<T>();
  for (std::int64_t c = 0; c < mean.numel(); ++c) {
    rm[c] = static_cast<T>((1.0 - momentum) * rm[c] + momentum * m[c]);
    rv[c] = static_cast<T>((1.0 - momentum) * rv[c] + momentum * (v[c] * count / (count - 1.0)));
  }
  copy_into(running_mean, new_mean);  // the buffers may be strided views
  copy_into(running_var, new_var);
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  validate(x, running_mean, running_var, weight, bias, training);
  NNLAB_CHECK(eps >= 0.0, ValueError, "batch_norm: expected eps >= 0, got {}", eps);
  const Tensor input = nnlab::contiguous(x);
  const std::int64_t channels = x.size(1);
  Tensor mean = Tensor::empty({channels}, x.dtype());
  Tensor var = Tensor::empty({channels}, x.dtype());
  if (training) {
    kernels::batch_norm_stats(input.view(), mean.mut_view(), var.mut_view());
  } else {
    copy_into(mean, running_mean);
    copy_into(var, running_var);
  }
  Tensor invstd = Tensor::empty({channels}, x.dtype());
  const bool f32 = x.dtype() == DType::f32;
  for (std::int64_t c = 0; c < channels; ++c) {
    const double v = f32 ? var.data<float>()[c] : var.data<double>()[c];
    const double value = 1.0 / std::sqrt(v + eps);
    f32 ? void(invstd.data<float>()[c] = static_cast<float>(value)) : void(invstd.data<double>()[c] = value);
  }
  const Tensor w = weight.defined() ? nnlab::contiguous(weight) : Tensor();
  const Tensor b = bias.defined() ? nnlab::contiguous(bias) : Tensor();
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  kernels::batch_norm_forward(input.view(), mean.view(), invstd.view(), w.defined() ? w.view() : ConstView{},
                              b.defined() ? b.view() : ConstView{}, out.mut_view());

  if (training && running_mean.defined()) {
    const double count = static_cast<double>(x.numel() / channels);
    f32 ? update_running<float>(running_mean, running_var, mean, var, count, momentum)
        : update_running<double>(running_mean, running_var, mean, var, count, momentum);
  }
  if (autograd::should_record({x, weight, bias})) {
    auto& node = autograd::record<BatchNormBackward>(out, {x, weight, bias});
    node.x = input.detach();
    node.mean = mean;
    node.invstd = invstd;
    node.weight = w.defined() ? w.detach() : Tensor();
    node.training = training;
  }
  return out;
}

}  // namespace nnlab::ops
