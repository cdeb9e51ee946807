#include "nnlab/train/probes/norm_probes.h"

#include <vector>

#include "nnlab/analysis/norms.h"
#include "nnlab/core/check.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::train {
namespace {

void record_norms(const MetricsStream& stream, const std::string& prefix, const analysis::NormSummary& norms,
                  std::int64_t step, std::int64_t epoch) {
  for (const auto& [name, norm] : norms.parameters) stream.scalar(prefix + "/" + name, step, epoch, norm);
  for (const auto& [name, norm] : norms.layers) stream.scalar(prefix + "/layer/" + name, step, epoch, norm);
  stream.scalar(prefix + "/total", step, epoch, norms.total);
}

// Every element of a float tensor, in double.
std::vector<double> values_of(const Tensor& tensor) {
  const Tensor flat = to_dtype(contiguous(tensor), DType::f64);
  const double* data = flat.data<double>();
  return std::vector<double>(data, data + flat.numel());
}

void record_histograms(const MetricsStream& stream, const std::string& prefix,
                       const std::vector<nn::NamedTensor>& parameters, bool gradients, std::int64_t step,
                       std::int64_t epoch) {
  for (const auto& [name, parameter] : parameters) {
    const Tensor values = gradients ? parameter.grad() : parameter;
    if (!values.defined()) continue;
    stream.write(make_histogram(prefix + "/" + name, step, epoch, values_of(values)));
  }
}

}  // namespace

GradNormProbe::GradNormProbe(const MetricsStream& stream, std::int64_t every) : stream_(stream), every_(every) {
  NNLAB_CHECK(every >= 1, ValueError, "GradNormProbe: every must be >= 1, got {}", every);
}

void GradNormProbe::on_step(const StepInfo& step) {
  const bool last_of_epoch = step.batch + 1 == step.batches;
  if ((step.step - 1) % every_ != 0 && !last_of_epoch) return;
  if (parameters_.empty()) parameters_ = step.model->named_parameters();
  if ((step.step - 1) % every_ == 0) {
    const analysis::NormSummary norms = analysis::gradient_norms(parameters_);
    // The counted parameters (those with a gradient) are the same every step; rebuild the tags
    // only if that ever changes.
    if (parameter_tags_.size() != norms.parameters.size() || layer_tags_.size() != norms.layers.size()) {
      parameter_tags_.clear();
      layer_tags_.clear();
      for (const auto& p : norms.parameters) parameter_tags_.push_back("grad_norm/" + p.name);
      for (const auto& l : norms.layers) layer_tags_.push_back("grad_norm/layer/" + l.name);
    }
    for (std::size_t i = 0; i < norms.parameters.size(); ++i) {
      stream_.scalar(parameter_tags_[i], step.step, step.epoch, norms.parameters[i].norm);
    }
    for (std::size_t i = 0; i < norms.layers.size(); ++i) {
      stream_.scalar(layer_tags_[i], step.step, step.epoch, norms.layers[i].norm);
    }
    stream_.scalar("grad_norm/total", step.step, step.epoch, norms.total);
    stream_.scalar("grad_norm/first_to_last_ratio", step.step, step.epoch, norms.first_to_last_ratio);
  }
  if (last_of_epoch) record_histograms(stream_, "gradients", parameters_, /*gradients=*/true, step.step, step.epoch);
}

void WeightNormProbe::on_train_begin(std::int64_t first_epoch, std::int64_t /*epochs*/) {
  if (first_epoch == 1) record(/*epoch=*/0, /*step=*/0);
}

void WeightNormProbe::on_epoch_end(const EpochMetrics& metrics) { record(metrics.epoch, metrics.step); }

void WeightNormProbe::record(std::int64_t epoch, std::int64_t step) const {
  const std::vector<nn::NamedTensor> parameters = model_.named_parameters();
  record_norms(stream_, "weight_norm", analysis::parameter_norms(parameters), step, epoch);
  record_histograms(stream_, "weights", parameters, /*gradients=*/false, step, epoch);
}

}  // namespace nnlab::train
