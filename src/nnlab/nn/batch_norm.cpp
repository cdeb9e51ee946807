// BatchNorm1d and BatchNorm2d: parameters, buffers and the choice of statistics in their shared
// base; the maths is ops::batch_norm, which takes (N, C, *) input of any rank.
#include "nnlab/nn/batch_norm.h"

#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/ops/batch_norm.h"

namespace nnlab::nn {

BatchNorm::BatchNorm(const BatchNormOptions& options, std::string name) : options_(options), name_(std::move(name)) {
  NNLAB_CHECK(options.num_features > 0, ValueError, "{}: expected num_features > 0, got {}", name_,
              options.num_features);
  const Shape channels{options.num_features};
  if (options.affine) {
    weight_ = register_parameter("weight", Tensor::ones(channels, options.dtype));
    bias_ = register_parameter("bias", Tensor::zeros(channels, options.dtype));
  }
  if (options.track_running_stats) {
    running_mean_ = register_buffer("running_mean", Tensor::zeros(channels, options.dtype));
    running_var_ = register_buffer("running_var", Tensor::ones(channels, options.dtype));
    num_batches_tracked_ = register_buffer("num_batches_tracked", Tensor::scalar(0, DType::i64));
  }
}

std::int64_t BatchNorm::num_batches_tracked() const {
  return num_batches_tracked_.defined() ? num_batches_tracked_.data<std::int64_t>()[0] : 0;
}

Tensor BatchNorm::forward(const Tensor& x) {
  check_input(x);
  const bool use_batch_stats = is_training() || !running_mean_.defined();
  double momentum = options_.momentum.value_or(0.0);
  if (is_training() && running_mean_.defined()) {
    std::int64_t& tracked = num_batches_tracked_.data<std::int64_t>()[0];
    ++tracked;
    if (!options_.momentum) momentum = 1.0 / static_cast<double>(tracked);
  }
  // Statistics are updated only in training mode, as in torch: eval never touches the buffers.
  const Tensor running_mean = is_training() ? running_mean_ : (use_batch_stats ? Tensor() : running_mean_);
  const Tensor running_var = is_training() ? running_var_ : (use_batch_stats ? Tensor() : running_var_);
  return ops::batch_norm(x, running_mean, running_var, weight_, bias_, use_batch_stats, momentum, options_.eps);
}

std::string BatchNorm::describe() const {
  return fmt::format("{}({}, eps={}, momentum={}, affine={}, track_running_stats={})", name_, options_.num_features,
                     options_.eps, options_.momentum ? fmt::format("{}", *options_.momentum) : std::string("None"),
                     options_.affine, options_.track_running_stats);
}

void BatchNorm1d::check_input(const Tensor& x) const {
  const std::int64_t c = options().num_features;
  NNLAB_CHECK(x.defined() && (x.dim() == 2 || x.dim() == 3) && x.size(1) == c, ShapeError,
              "{}: expected input of shape [N, {}] or [N, {}, L], got {}", describe(), c, c,
              x.defined() ? x.shape() : Shape{});
}

void BatchNorm2d::check_input(const Tensor& x) const {
  const std::int64_t c = options().num_features;
  NNLAB_CHECK(x.defined() && x.dim() == 4 && x.size(1) == c, ShapeError,
              "{}: expected input of shape [N, {}, H, W], got {}", describe(), c, x.defined() ? x.shape() : Shape{});
}

}  // namespace nnlab::nn
