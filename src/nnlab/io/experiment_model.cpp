#include "nnlab/io/experiment_model.h"

#include "nnlab/core/check.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/nn/builders.h"
#include "nnlab/nn/flatten.h"

namespace nnlab::io {
namespace {

std::int64_t features(const Shape& example_shape) {
  std::int64_t count = 1;
  for (std::int64_t size : example_shape) count *= size;
  return count;
}

// Flatten, then the MLP's layers: torch's nn.Sequential(nn.Flatten(), nn.Linear(...), ...),
// so parameter names read "1.weight", "1.bias", ... whatever the input's rank.
std::shared_ptr<nn::Sequential> mlp(const ModelConfig& c, const Shape& example_shape, std::int64_t outputs,
                                    Rng& rng) {
  const bool logistic = c.type == "logistic";
  const auto layers = nn::mlp({.in_features = features(example_shape),
                               .hidden = logistic ? std::vector<std::int64_t>{} : c.hidden,
                               .out_features = outputs,
                               .activation = c.activation,
                               .batchnorm = c.batchnorm && !logistic,
                               .dropout = logistic ? 0.0 : c.dropout,
                               .init = c.init,
                               .dtype = model_dtype(c),
                               .rng = &rng});
  auto model = std::make_shared<nn::Sequential>();
  model->push_back(std::make_shared<nn::Flatten>());
  for (const auto& layer : layers->layers()) model->push_back(layer);
  return model;
}

}  // namespace

DType model_dtype(const ModelConfig& config) { return config.dtype == "float64" ? DType::f64 : DType::f32; }

std::shared_ptr<nn::Sequential> build_model(const ModelConfig& c, const Shape& example_shape, std::int64_t outputs,
                                            Rng& rng) {
  std::shared_ptr<nn::Sequential> model;
  if (c.type == "mlp" || c.type == "logistic") {
    model = mlp(c, example_shape, outputs, rng);
  } else {
    throw ConfigError(fmt::format("[model] type: '{}' is not available in this build", c.type));
  }
  if (!c.init_from.empty()) load_model(*model, c.init_from, {.strict = false, .skip_prefixes = c.init_skip});
  for (const std::string& prefix : c.freeze) model->freeze(prefix);
  return model;
}

}  // namespace nnlab::io
