// Loss functions. Cross-entropy, NLL, the hinge losses, BCE-with-logits and L1 run fused kernels
// with hand-written backward nodes; mse_loss is a composition of arithmetic and reductions.
#include "nnlab/ops/loss.h"

#include <optional>
#include <string>

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/kernels/elementwise.h"
#include "nnlab/kernels/loss.h"
#include "nnlab/kernels/reduce.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

struct ClassTargets {
  Tensor target;          // (N) int64, contiguous
  std::int64_t count = 0;  // rows not ignored: the divisor of a mean
};

// input (N, C) float, C >= 1; target (N) int64 with every value in [0, C) or ignore_index.
ClassTargets check_class_targets(const Tensor& input, const Tensor& target, std::optional<std::int64_t> ignore_index,
                                 const char* where) {
  const std::string name(where);
  check_floating(input, name + ": input");
  check_dtype(target, DType::i64, name + ": target (class indices)");
  check_rank(input, 2, name + ": input");
  NNLAB_CHECK(target.dim() == 1 && target.size(0) == input.size(0), ShapeError,
              "{}: target must hold one class index per row of input, got input {} and target {}", where,
              input.shape(), target.shape());
  const std::int64_t classes = input.size(1);
  NNLAB_CHECK(classes > 0, ShapeError, "{}: input needs at least one class, got shape {}", where, input.shape());
  ClassTargets checked{contiguous(target).detach(), 0};
  const std::int64_t* t = checked.target.data<std::int64_t>();
  for (std::int64_t n = 0; n < target.numel(); ++n) {
    if (ignore_index && t[n] == *ignore_index) continue;
    NNLAB_CHECK(t[n] >= 0 && t[n] < classes, ValueError,
                "{}: target {} is out of range for {} classes (row {}), expected 0..{}", where, t[n], classes, n,
                classes - 1);
    ++checked.count;
  }
  return checked;
}

// input and target: floating, one dtype, one shape.
void check_same_shape(const Tensor& input, const Tensor& target, const char* where) {
  const std::string name(where);
  check_floating(input, name + ": input");
  check_floating(target, name + ": target");
  check_same_dtype(input, target, where);
  NNLAB_CHECK(input.shape() == target.shape(), ShapeError,
              "{}: input and target must have the same shape, got input {} and target {}", where, input.shape(),
              target.shape());
}

// The per-sample losses themselves, their sum, or their sum / count. Records nothing.
Tensor reduce_losses(const Tensor& losses, Reduction reduction, std::int64_t count) {
  if (reduction == Reduction::none) return losses;
  Tensor total = Tensor::empty(Shape::filled(losses.dim(), 1), losses.dtype());
  kernels::sum_forward(losses.view(), total.mut_view());
  total = view::reshape(total, Shape{});
  // A mean over zero rows (all ignored) is 0/0 = NaN, as in torch.
  if (reduction == Reduction::mean) kernels::scale(total.view(), 1.0 / static_cast<double>(count), total.mut_view());
  return total;
}

// What a backward multiplies the upstream gradient by.
double reduction_scale(Reduction reduction, std::int64_t count) {
  return reduction == Reduction::mean ? 1.0 / static_cast<double>(count) : 1.0;
}

// d input (N, C) = scale * g[n] * (softmax(input)[n] - q[n]), q = (1 - ε) onehot(t_n) + ε / C;
// 0 on ignored rows. g is grad_out: (N) for none, 0-D otherwise.
struct CrossEntropyBackward final : autograd::Node {
  Tensor input;      // (N, C) contiguous, detached
  Tensor target;     // (N) int64
  Tensor logsumexp;  // (N) float64
  double scale = 1.0;
  double label_smoothing = 0.0;
  std::int64_t ignore_index = -100;
  std::string_view name() const override { return "cross_entropy"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    kernels::cross_entropy_backward(input.view(), target.view(), logsumexp.view(), grad_out.view(), scale,
                                    ignore_index, label_smoothing, grads.output(0).mut_view());
  }
};

// d input (N, C) = -scale * g[n] at (n, t_n), 0 elsewhere. The input's values are not needed.
struct NllLossBackward final : autograd::Node {
  Tensor target;  // (N) int64
  double scale = 1.0;
  std::int64_t ignore_index = -100;
  std::string_view name() const override { return "nll_loss"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    kernels::nll_loss_backward(target.view(), grad_out.view(), scale, ignore_index, grads.output(0).mut_view());
  }
};

// multi_margin_loss: d input (N, C) = scale * g[n] * p h^(p-1) / C at every j != t_n with a positive
// hinge h, minus their sum at t_n. perceptron_loss: d input = scale * g[n] * (onehot(k) - onehot(t_n)).
struct HingeBackward final : autograd::Node {
  Tensor input;   // (N, C) contiguous, detached
  Tensor target;  // (N) int64
  double scale = 1.0;
  bool is_perceptron = false;
  int p = 1;
  double margin = 1.0;
  std::string_view name() const override { return is_perceptron ? "perceptron_loss" : "multi_margin_loss"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const MutView dx = grads.output(0).mut_view();
    if (is_perceptron) {
      kernels::perceptron_loss_backward(input.view(), target.view(), grad_out.view(), scale, dx);
    } else {
      kernels::multi_margin_loss_backward(input.view(), target.view(), p, margin, grad_out.view(), scale, dx);
    }
  }
};

// BCE with logits: d input = scale * g * (sigmoid(x) - t), d target = -scale * g * x.
// L1: d input = scale * g * sign(x - t), d target = -d input.          (all of x's shape)
struct ElementwiseLossBackward final : autograd::Node {
  Tensor input, target;  // contiguous, detached
  double scale = 1.0;
  bool is_l1 = false;
  std::string_view name() const override { return is_l1 ? "l1_loss" : "binary_cross_entropy_with_logits"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    const MutView dx = grads.wants(0) ? grads.output(0).mut_view() : MutView{};
    const MutView dt = grads.wants(1) ? grads.output(1).mut_view() : MutView{};
    if (is_l1) {
      kernels::l1_loss_backward(input.view(), target.view(), grad_out.view(), scale, dx, dt);
    } else {
      kernels::binary_cross_entropy_with_logits_backward(input.view(), target.view(), grad_out.view(), scale, dx, dt);
    }
  }
};

// multi_margin_loss (p, margin), or perceptron_loss when p == 0.
Tensor hinge_loss(const Tensor& input, const Tensor& target, int p, double margin, Reduction reduction) {
  const char* where = p == 0 ? "perceptron_loss" : "multi_margin_loss";
  const ClassTargets checked = check_class_targets(input, target, std::nullopt, where);
  const Tensor x = contiguous(input).detach();
  Tensor losses = Tensor::empty({input.size(0)}, input.dtype());
  if (p == 0) {
    kernels::perceptron_loss_forward(x.view(), checked.target.view(), losses.mut_view());
  } else {
    kernels::multi_margin_loss_forward(x.view(), checked.target.view(), p, margin, losses.mut_view());
  }
  Tensor out = reduce_losses(losses, reduction, checked.count);
  if (autograd::should_record({input})) {
    auto& node = autograd::record<HingeBackward>(out, {input});
    node.input = x;
    node.target = checked.target;
    node.scale = reduction_scale(reduction, checked.count);
    node.is_perceptron = p == 0;
    node.p = p;
    node.margin = margin;
  }
  return out;
}

Tensor elementwise_loss(const Tensor& input, const Tensor& target, Reduction reduction, bool is_l1) {
  const char* where = is_l1 ? "l1_loss" : "binary_cross_entropy_with_logits";
  check_same_shape(input, target, where);
  const Tensor x = contiguous(input).detach(), t = contiguous(target).detach();
  Tensor losses = Tensor::empty(input.shape(), input.dtype());
  if (is_l1) {
    kernels::l1_loss_forward(x.view(), t.view(), losses.mut_view());
  } else {
    kernels::binary_cross_entropy_with_logits_forward(x.view(), t.view(), losses.mut_view());
  }
  Tensor out = reduce_losses(losses, reduction, input.numel());
  if (autograd::should_record({input, target})) {
    auto& node = autograd::record<ElementwiseLossBackward>(out, {input, target});
    node.input = x;
    node.target = t;
    node.scale = reduction_scale(reduction, input.numel());
    node.is_l1 = is_l1;
  }
  return out;
}

}  // namespace

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyOptions& options) {
  const ClassTargets checked = check_class_targets(input, target, options.ignore_index, "cross_entropy");
  NNLAB_CHECK(options.label_smoothing >= 0.0 && options.label_smoothing <= 1.0, ValueError,
              "cross_entropy: label_smoothing must be in [0, 1], got {}", options.label_smoothing);
  const Tensor x = contiguous(input).detach();
  Tensor losses = Tensor::empty({input.size(0)}, input.dtype());
  Tensor logsumexp = Tensor::empty({input.size(0)}, DType::f64);
  kernels::cross_entropy_forward(x.view(), checked.target.view(), options.ignore_index, options.label_smoothing,
                                 losses.mut_view(), logsumexp.mut_view());
  Tensor out = reduce_losses(losses, options.reduction, checked.count);
  if (autograd::should_record({input})) {
    auto& node = autograd::record<CrossEntropyBackward>(out, {input});
    node.input = x;
    node.target = checked.target;
    node.logsumexp = logsumexp;
    node.scale = reduction_scale(options.reduction, checked.count);
    node.label_smoothing = options.label_smoothing;
    node.ignore_index = options.ignore_index;
  }
  return out;
}

Tensor nll_loss(const Tensor& input, const Tensor& target, Reduction reduction, std::int64_t ignore_index) {
  const ClassTargets checked = check_class_targets(input, target, ignore_index, "nll_loss");
  Tensor losses = Tensor::empty({input.size(0)}, input.dtype());
  kernels::nll_loss_forward(contiguous(input).view(), checked.target.view(), ignore_index, losses.mut_view());
  Tensor out = reduce_losses(losses, reduction, checked.count);
  if (autograd::should_record({input})) {
    auto& node = autograd::record<NllLossBackward>(out, {input});
    node.target = checked.target;
    node.scale = reduction_scale(reduction, checked.count);
    node.ignore_index = ignore_index;
  }
  return out;
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction) {
  return elementwise_loss(input, target, reduction, /*is_l1=*/false);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return elementwise_loss(input, target, reduction, /*is_l1=*/true);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_same_shape(input, target, "mse_loss");
  const Tensor diff = sub(input, target);
  const Tensor squared = mul(diff, diff);
  if (reduction == Reduction::none) return squared;
  return reduction == Reduction::mean ? mean(squared) : sum(squared);
}

Tensor multi_margin_loss(const Tensor& input, const Tensor& target, std::int64_t p, double margin,
                         Reduction reduction) {
  NNLAB_CHECK(p == 1 || p == 2, ValueError, "multi_margin_loss: p must be 1 or 2, got {}", p);
  return hinge_loss(input, target, static_cast<int>(p), margin, reduction);
}

Tensor perceptron_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return hinge_loss(input, target, /*p=*/0, /*margin=*/0.0, reduction);
}

}  // namespace nnlab::ops
