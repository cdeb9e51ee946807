#pragma once
// Batch normalisation layers, as torch.nn.BatchNorm1d and BatchNorm2d. One base, BatchNorm
// (torch's _BatchNorm), holds the parameters, buffers and forward; each subclass only names
// itself and checks the input's rank, as torch's _check_input_dim does.
#include <cstdint>
#include <optional>
#include <string>

#include "nnlab/nn/module.h"

namespace nnlab::nn {

struct BatchNormOptions {
  std::int64_t num_features = 0;
  double eps = 1e-5;
  // nullopt: a cumulative average, momentum = 1 / num_batches_tracked (torch's momentum=None).
  std::optional<double> momentum = 0.1;
  bool affine = true;
  bool track_running_stats = true;
  DType dtype = DType::f32;
};
using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;

// Normalises each channel (dim 1) of x. Parameters "weight" (ones) and "bias" (zeros) when
// affine; buffers "running_mean" (zeros), "running_var" (ones) and "num_batches_tracked"
// (int64 scalar) when track_running_stats. Training mode (or no running statistics) normalises
// with batch statistics and updates the running ones; eval mode uses the running ones.
// Throws ValueError for num_features <= 0; forward throws ShapeError for input of the wrong
// rank or channel count (see the subclasses).
class BatchNorm : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  // "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)"
  std::string describe() const override;

  const BatchNormOptions& options() const { return options_; }
  const Tensor& weight() const { return weight_; }  // undefined unless affine
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }  // undefined unless tracking
  const Tensor& running_var() const { return running_var_; }
  std::int64_t num_batches_tracked() const;

 protected:
  // `name` is the layer's class name, used in describe() and errors.
  BatchNorm(const BatchNormOptions& options, std::string name);
  // Throws ShapeError (naming describe()) unless x has a rank and channel count this layer takes.
  virtual void check_input(const Tensor& x) const = 0;

 private:
  BatchNormOptions options_;
  std::string name_;
  Tensor weight_, bias_;
  Tensor running_mean_, running_var_, num_batches_tracked_;
};

// (N, C) or (N, C, L) input. https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm1d.html
class BatchNorm1d final : public BatchNorm {
 public:
  explicit BatchNorm1d(const BatchNorm1dOptions& options) : BatchNorm(options, "BatchNorm1d") {}

 private:
  void check_input(const Tensor& x) const override;
};

// (N, C, H, W) input: statistics over N, H and W per channel.
// https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html
class BatchNorm2d final : public BatchNorm {
 public:
  explicit BatchNorm2d(const BatchNorm2dOptions& options) : BatchNorm(options, "BatchNorm2d") {}

 private:
  void check_input(const Tensor& x) const override;
};

}  // namespace nnlab::nn
