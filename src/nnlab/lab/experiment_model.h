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

// The most elements one tensor of a model may hold: a layer's weight, or a layer's output for one
// batch. 2^34 is 64 GiB of float32, more memory than the machines nnlab runs on have: a config
// asking for more is refused, naming its key, before anything is allocated.
inline constexpr std::int64_t kMaxTensorElements = std::int64_t{1} << 34;

// `example_shape` is one input row's shape without the batch dim ((784), (1, 28, 28), ...);
// `outputs` the number of classes or regression targets; `batch` the largest batch the model will
// see. Parameters are drawn from `rng`.
// Throws ConfigError for a model that cannot take such inputs (naming the layer), or whose mlp,
// cnn or perceptron layers would pass kMaxTensorElements in a weight or a batch's output (naming
// the key: "[model] hidden[0]", "[[model.layers]] #3 (linear)"); the checkpoint loader's
// DataError naming the file and tensor when init_from does not fit.
std::shared_ptr<nn::Module> build_model(const io::ModelConfig& config, const Shape& example_shape, std::int64_t outputs,
                                        Rng& rng, std::int64_t batch = 1);

}  // namespace nnlab::lab
