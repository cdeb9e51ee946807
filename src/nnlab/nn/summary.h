#pragma once
// summary(): a per-layer table of a Sequential model, like torchsummary or Keras' model.summary().
#include <string>

#include "nnlab/nn/sequential.h"

namespace nnlab::nn {

// Runs one forward pass on zeros of `input_shape` (batch dim included) under no-grad and in eval
// mode (so BatchNorm statistics and the global Rng are untouched; the training flag is restored),
// and returns a table: one row per top-level layer with its description, output shape and
// parameter count, then the total, trainable and non-trainable parameter counts.
// Layer errors (a wrong input shape) propagate unchanged.
std::string summary(Sequential& model, const Shape& input_shape, DType dtype = DType::f32);

}  // namespace nnlab::nn
