#pragma once
// BatchNorm1d: batch normalisation of (N, C) or (N, C, L) input, as torch.nn.BatchNorm1d.
#include <cstdint>
#include <optional>

#include "nnlab/nn/module.h"

namespace nnlab::nn {

struct BatchNorm1dOptions {
  std::int64_t num_features = 0;
  double eps = 1e-5;
  // nullopt: a cumulative average, momentum = 1 / num_batches_tracked (torch's momentum=None).
  std::optional<double> momentum = 0.1;
  bool affine = true;
  bool track_running_stats = true;
  DType dtype = DType::f32;
};

// Parameters "weight" (ones) and "bias" (zeros) when affine; buffers "running_mean" (zeros),
// "running_var" (ones) and "num_batches_tracked" (int64 scalar) when track_running_stats.
// Training mode (or no running statistics) normalises with batch statistics and updates the
// running ones; eval mode uses the running ones.
// Throws ShapeError for input that is not (N, num_features) or (N, num_features, L).
// https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm1d.html
class BatchNorm1d final : public Module {
 public:
  explicit BatchNorm1d(const BatchNorm1dOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

  const BatchNorm1dOptions& options() const { return options_; }
  const Tensor& weight() const { return weight_; }  // undefined unless affine
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }  // undefined unless tracking
  const Tensor& running_var() const { return running_var_; }
  std::int64_t num_batches_tracked() const;

 private:
  BatchNorm1dOptions options_;
  Tensor weight_, bias_;
  Tensor running_mean_, running_var_, num_batches_tracked_;
};

}  // namespace nnlab::nn
