#pragma once
// The model of an experiment, from its [model] section: built for the data's input shape and
// number of outputs, optionally started from a safetensors file and partly frozen.
#include <cstdint>
#include <memory>

#include "nnlab/core/rng.h"
#include "nnlab/io/config.h"
#include "nnlab/nn/module.h"

namespace nnlab::lab {

DType model_dtype(const io::ModelConfig& config);

// `example_shape` is one input row's shape without the batch dim ((784), (1, 28, 28), ...);
// `outputs` the number of classes or regression targets. Parameters are drawn from `rng`.
// Throws ConfigError for a model that cannot take such inputs (naming the layer), and the
// checkpoint loader's DataError naming the file and tensor when init_from does not fit.
std::shared_ptr<nn::Module> build_model(const io::ModelConfig& config, const Shape& example_shape, std::int64_t outputs,
                                        Rng& rng);

}  // namespace nnlab::lab
