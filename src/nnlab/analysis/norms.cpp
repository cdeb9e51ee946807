// Parameter and gradient norms, grouped by layer. Plain loops over the data in double; these
// run every training step, so nothing here allocates a tensor.
#include "nnlab/analysis/norms.h"

#include <cmath>
#include <limits>

#include "nnlab/core/check.h"
#include "nnlab/kernels/optim.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::analysis {
namespace {


double ratio_of_norms(double first, double last) {
  if (last == 0.0)
    return first == 0.0 ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  return first / last;
}

// Adds one tensor's squared norm to the summary; layers hold squared norms until finish().
void add_tensor(NormSummary& summary, const std::string& name, double squared) {
  summary.parameters.push_back({name, std::sqrt(squared)});
  summary.total += squared;
  std::string layer = layer_name(name);
  for (auto it = summary.layers.rbegin(); it != summary.layers.rend(); ++it) {  // usually the last one
    if (it->name == layer) {
      it->norm += squared;
      return;
    }
  }
  summary.layers.push_back({std::move(layer), squared});
}

void finish(NormSummary& summary) {
  for (NamedNorm& layer : summary.layers) layer.norm = std::sqrt(layer.norm);
  summary.total = std::sqrt(summary.total);
  summary.first_to_last_ratio = summary.layers.empty()
                                    ? std::numeric_limits<double>::quiet_NaN()
                                    : ratio_of_norms(summary.layers.front().norm, summary.layers.back().norm);
}

}  // namespace

std::string layer_name(const std::string& parameter_name) {
  const auto dot = parameter_name.rfind('.');
  return dot == std::string::npos ? std::string() : parameter_name.substr(0, dot);
}

double squared_l2_norm(const Tensor& tensor) {
  NNLAB_CHECK(tensor.dtype() == DType::f32 || tensor.dtype() == DType::f64, DTypeError,
              "squared_l2_norm: expected a float32 or float64 tensor, got {}", tensor.dtype());
  // Parameters and gradients are contiguous in practice; a strided view is copied once.
  const Tensor dense = contiguous(tensor);
  return kernels::sum_of_squares(dense.dtype(), dense.data_ptr(), dense.numel());
}

NormSummary gradient_norms(const std::vector<nn::NamedTensor>& parameters) {
  NormSummary summary;
  summary.parameters.reserve(parameters.size());
  for (const auto& [name, parameter] : parameters) {
    const Tensor grad = parameter.grad();
    if (!grad.defined()) continue;  // frozen, or not reached by the last backward
    add_tensor(summary, name, squared_l2_norm(grad));
  }
  finish(summary);
  return summary;
}

NormSummary parameter_norms(const std::vector<nn::NamedTensor>& parameters) {
  NormSummary summary;
  summary.parameters.reserve(parameters.size());
  for (const auto& [name, parameter] : parameters) add_tensor(summary, name, squared_l2_norm(parameter));
  finish(summary);
  return summary;
}

}  // namespace nnlab::analysis
