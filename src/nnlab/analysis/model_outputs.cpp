// Batched eval-mode forward passes and arg max over rows.
#include "nnlab/analysis/model_outputs.h"

#include <algorithm>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::analysis {

Tensor outputs_in_batches(nn::Module& model, const Tensor& inputs, std::int64_t batch_size) {
  NNLAB_CHECK(batch_size >= 1, ValueError, "outputs_in_batches: batch_size must be >= 1, got {}", batch_size);
  NNLAB_CHECK(inputs.defined() && inputs.dim() >= 1, ShapeError, "outputs_in_batches: inputs need a batch dim, got {}",
              inputs.defined() ? inputs.shape().to_string() : std::string("an undefined tensor"));
  const std::int64_t n = inputs.size(0);
  if (n == 0) return Tensor::zeros({0, 0}, inputs.dtype());
  EvalModeScope eval_mode(model);
  NoGradGuard no_grad;
  Tensor all;  // (N, C), allocated once the first batch shows C and the dtype
  for (std::int64_t start = 0; start < n; start += batch_size) {
    const std::int64_t rows = std::min(batch_size, n - start);
    const Tensor outputs = model(view::narrow(inputs, 0, start, rows));
    NNLAB_CHECK(outputs.dim() == 2 && outputs.size(0) == rows, ShapeError,
                "outputs_in_batches: expected model outputs ({}, C) for a batch of {}, got {}", rows, rows,
                outputs.shape());
    if (!all.defined()) all = Tensor::empty({n, outputs.size(1)}, outputs.dtype());
    copy_into(view::narrow(all, 0, start, rows), outputs);
  }
  return all;
}

std::vector<std::int64_t> argmax_rows(const Tensor& outputs) {
  NNLAB_CHECK(outputs.dim() == 2 && outputs.size(1) >= 1, ShapeError,
              "argmax_rows: expected outputs (N, C) with C >= 1, got {}", outputs.shape());
  const std::int64_t n = outputs.size(0);
  const std::int64_t c = outputs.size(1);
  const std::vector<double> values = outputs.to_vector<double>();
  std::vector<std::int64_t> classes(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const double* row = values.data() + i * c;
    classes[static_cast<std::size_t>(i)] = std::max_element(row, row + c) - row;  // first maximum
  }
  return classes;
}

std::vector<std::int64_t> predict_classes(nn::Module& model, const Tensor& inputs, std::int64_t batch_size) {
  const Tensor outputs = outputs_in_batches(model, inputs, batch_size);
  if (outputs.numel() == 0) return {};
  return argmax_rows(outputs);
}

std::vector<std::int64_t> class_indices(const Tensor& targets, const char* where) {
  NNLAB_CHECK(targets.dtype() == DType::i64, DTypeError, "{}: expected int64 class indices, got {}", where,
              targets.dtype());
  NNLAB_CHECK(targets.dim() == 1, ShapeError, "{}: expected targets (N), got {}", where, targets.shape());
  return targets.to_vector<std::int64_t>();
}

}  // namespace nnlab::analysis
