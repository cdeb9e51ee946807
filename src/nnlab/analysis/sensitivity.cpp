// Input-gradient norms per example: one backward per batch of summed per-example losses.
#include "nnlab/analysis/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nnlab/analysis/model_outputs.h"
#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::analysis {
namespace {

// Turns off requires_grad on every parameter for its lifetime and restores each one's flag,
// so backward reaches only the inputs and leaves the parameters' gradients as they were.
class ParameterGradientsOff {
 public:
  explicit ParameterGradientsOff(const nn::Module& model) : parameters_(model.parameters()) {
    for (const Tensor& parameter : parameters_) {
      was_required_.push_back(parameter.requires_grad());
      parameter.requires_grad_(false);
    }
  }
  ~ParameterGradientsOff() {
    for (std::size_t i = 0; i < parameters_.size(); ++i) parameters_[i].requires_grad_(was_required_[i]);
  }
  ParameterGradientsOff(const ParameterGradientsOff&) = delete;
  ParameterGradientsOff& operator=(const ParameterGradientsOff&) = delete;

 private:
  std::vector<Tensor> parameters_;
  std::vector<bool> was_required_;
};

// Grad mode on for its lifetime, the caller's mode restored afterwards.
class GradModeOn {
 public:
  GradModeOn() : previous_(autograd::grad_enabled()) { autograd::set_grad_enabled(true); }
  ~GradModeOn() { autograd::set_grad_enabled(previous_); }
  GradModeOn(const GradModeOn&) = delete;
  GradModeOn& operator=(const GradModeOn&) = delete;

 private:
  bool previous_;
};

// The scalar to back-propagate: the sum of the batch's per-example losses, whatever form
// `losses` came in. Also returns the factor that turns its gradient into per-example ones.
Tensor summed_loss(const Tensor& losses, ops::Reduction reduction, std::int64_t rows, double& gradient_scale) {
  gradient_scale = 1.0;
  if (reduction == ops::Reduction::none) {
    NNLAB_CHECK(losses.dim() == 1 && losses.size(0) == rows, ShapeError,
                "input_sensitivity: loss_reduction none expects one loss per example ({}), got {}", rows,
                losses.shape());
    return ops::sum(losses);
  }
  NNLAB_CHECK(losses.numel() == 1, ShapeError,
              "input_sensitivity: loss_reduction sum or mean expects a single (0-D) loss, got {}", losses.shape());
  if (reduction == ops::Reduction::mean) gradient_scale = static_cast<double>(rows);  // d mean / dx_i = dl_i/dx_i / B
  return losses;
}

// ||row i||_2 of grad (rows, ...) in double, scaled, appended to norms.
void append_row_norms(const Tensor& grad, std::int64_t rows, double scale, std::vector<double>& norms) {
  const std::vector<double> values = grad.to_vector<double>();
  const std::size_t row_size = values.size() / static_cast<std::size_t>(rows);
  for (std::int64_t i = 0; i < rows; ++i) {
    const double* row = values.data() + static_cast<std::size_t>(i) * row_size;
    double squares = 0.0;
    for (std::size_t j = 0; j < row_size; ++j) squares += row[j] * row[j];
    norms.push_back(scale * std::sqrt(squares));
  }
}

}  // namespace

InputSensitivity input_sensitivity(nn::Module& model, const data::Dataset& dataset, const BatchLoss& loss,
                                   const SensitivityOptions& options) {
  NNLAB_CHECK(options.batch_size >= 1, ValueError, "input_sensitivity: batch_size must be >= 1, got {}",
              options.batch_size);
  InputSensitivity result;
  const std::int64_t n = dataset.size();
  result.gradient_norms.reserve(static_cast<std::size_t>(n));
  EvalModeScope eval_mode(model);
  ParameterGradientsOff parameters_off(model);
  GradModeOn grad_mode;
  for (std::int64_t start = 0; start < n; start += options.batch_size) {
    const std::int64_t rows = std::min(options.batch_size, n - start);
    // A fresh leaf per batch: its gradient is exactly this batch's input gradient.
    const Tensor inputs = clone(view::narrow(dataset.inputs, 0, start, rows)).requires_grad_();
    const Tensor targets = view::narrow(dataset.targets, 0, start, rows);
    double gradient_scale = 1.0;
    summed_loss(loss(model(inputs), targets), options.loss_reduction, rows, gradient_scale).backward();
    const Tensor grad = inputs.grad();
    NNLAB_CHECK(grad.defined(), ValueError,
                "input_sensitivity: expected the loss to depend on the inputs, got no input gradient");
    append_row_norms(grad, rows, gradient_scale, result.gradient_norms);
  }
  double sum = 0.0;
  for (double norm : result.gradient_norms) sum += norm;
  result.mean_gradient_norm = n == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(n);
  return result;
}

BatchLoss per_example_cross_entropy() {
  return [](const Tensor& outputs, const Tensor& targets) {
    return ops::cross_entropy(outputs, targets, {.reduction = ops::Reduction::none});
  };
}

}  // namespace nnlab::analysis
