#include "nnlab/lab/experiment_probes.h"

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/train/probes/evaluation_probes.h"
#include "nnlab/train/probes/norm_probes.h"
#include "nnlab/train/probes/snapshot_probe.h"

namespace nnlab::lab {
namespace {

// probes.split, falling back test -> val -> train past an empty split.
train::ProbeData probe_data(const std::string& split, const ExperimentData& data) {
  const std::pair<const char*, const data::Dataset*> order[] = {
      {"test", &data.test}, {"val", &data.val}, {"train", &data.train}};
  bool reached = false;
  for (const auto& [name, dataset] : order) {
    reached = reached || split == name;
    if (reached && dataset->size() > 0) return {.dataset = dataset, .split = name};
  }
  return {.dataset = &data.train, .split = "train"};
}

// A probe's constructor checks what it needs; say which key asked for it.
template <typename Probe, typename... Args>
std::unique_ptr<train::Callback> make_probe(const char* key, Args&&... args) {
  try {
    return std::make_unique<Probe>(std::forward<Args>(args)...);
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError(fmt::format("[probes] {}: {}", key, e.what()));
  }
}

}  // namespace

std::vector<std::unique_ptr<train::Callback>> build_probes(const io::ExperimentConfig& config,
                                                           const train::MetricsStream& stream, nn::Module& model,
                                                           const ExperimentData& data,
                                                           const train::Objective& objective) {
  const io::ProbesConfig& p = config.probes;
  const train::ProbeData on = probe_data(p.split, data);
  std::vector<std::unique_ptr<train::Callback>> probes;
  if (p.grad_norms.enabled)
    probes.push_back(make_probe<train::GradNormProbe>("grad_norms", stream, p.grad_norms.every));
  if (p.weight_norms.enabled) probes.push_back(make_probe<train::WeightNormProbe>("weight_norms", stream, model));
  if (p.snapshots.enabled) {
    train::SnapshotOptions options{
        .every = p.snapshots.every, .evaluate = {}, .eval_batch_size = config.train.eval_batch_size};
    if (p.snapshots.evaluate) options.evaluate = on;
    probes.push_back(make_probe<train::SnapshotProbe>("snapshots", stream, model, objective, options));
  }
  if (p.sensitivity.enabled) {
    probes.push_back(
        make_probe<train::SensitivityProbe>("sensitivity", stream, model, on, objective, p.sensitivity.every));
  }
  if (p.decision_boundary.enabled) {
    probes.push_back(make_probe<train::DecisionBoundaryProbe>(
        "decision_boundary", stream, model, on, p.decision_boundary.resolution, p.decision_boundary.every));
  }
  if (p.confusion.enabled)
    probes.push_back(make_probe<train::ConfusionProbe>("confusion", stream, model, on, p.confusion.every));
  if (p.misclassified.enabled) {
    probes.push_back(make_probe<train::MisclassifiedProbe>("misclassified", stream, model, on, p.misclassified.count,
                                                           p.misclassified.every));
  }
  if (p.true_class_probability.enabled) {
    // A model trained with per-class binary cross-entropy gives each class a sigmoid probability.
    const auto kind =
        objective.name == "bce" ? analysis::OutputProbability::sigmoid : analysis::OutputProbability::softmax;
    probes.push_back(make_probe<train::TrueClassProbabilityProbe>("true_class_probability", stream, model, on, kind,
                                                                  p.true_class_probability.buckets,
                                                                  p.true_class_probability.every));
  }
  if (p.weight_images.enabled) {
    std::vector<std::string> names;
    for (std::int64_t c = 0; c < data.train.num_classes; ++c) names.push_back(train::class_name(data.train, c));
    probes.push_back(make_probe<train::WeightImagesProbe>("weight_images", stream, model,
                                                          Shape(data.train.inputs.shape().span().subspan(1)), names,
                                                          p.weight_images.every));
  }
  return probes;
}

}  // namespace nnlab::lab
