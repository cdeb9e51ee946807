#pragma once
// Gradient and weight norms (E6, E10, E14): per parameter, per layer, in total, and the ratio of
// the first layer's gradient norm to the last's; with histograms of the values for TensorBoard.
//   grad_norm/<parameter>, grad_norm/layer/<layer>, grad_norm/total, grad_norm/first_to_last_ratio
//   weight_norm/<parameter>, weight_norm/layer/<layer>, weight_norm/total
//   histograms gradients/<parameter> (last step of each epoch), weights/<parameter> (each epoch)
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/train/probes/probe.h"

namespace nnlab::train {

class GradNormProbe final : public Callback {
 public:
  // Records at steps 1, 1 + every, 1 + 2 * every, ...
  GradNormProbe(const MetricsStream& stream, std::int64_t every);
  void on_step(const StepInfo& step) override;

 private:
  const MetricsStream& stream_;
  std::int64_t every_;
  // The model's parameters and the tags of their records, made on the first step: a model's
  // parameters and names do not change while it trains, so no step rebuilds them.
  std::vector<nn::NamedTensor> parameters_;
  std::vector<std::string> parameter_tags_, layer_tags_;
};

class WeightNormProbe final : public Callback {
 public:
  WeightNormProbe(const MetricsStream& stream, const nn::Module& model) : stream_(stream), model_(model) {}
  // Also before the first step (epoch 0), so a chart starts from the initial weights.
  void on_train_begin(std::int64_t first_epoch, std::int64_t epochs) override;
  void on_epoch_end(const EpochMetrics& metrics) override;

 private:
  void record(std::int64_t epoch, std::int64_t step) const;
  const MetricsStream& stream_;
  const nn::Module& model_;
};

}  // namespace nnlab::train
