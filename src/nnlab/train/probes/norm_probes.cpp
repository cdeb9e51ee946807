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
  const std::vector<nn::NamedTensor> parameters = step.model->named_parameters();
  if ((step.step - 1) % every_ == 0) {
    const analysis::NormSummary norms = analysis::gradient_norms(parameters);
    record_norms(stream_, "grad_norm", norms, step.step, step.epoch);
    stream_.scalar("grad_norm/first_to_last_ratio", step.step, step.epoch, norms.first_to_last_ratio);
  }
  if (last_of_epoch) record_histograms(stream_, "gradients", parameters, /*gradients=*/true, step.step, step.epoch);
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
