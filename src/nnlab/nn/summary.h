#pragma once
// summary(): a per-layer table of a model, like torchsummary or Keras' model.summary().
#include <string>

#include "nnlab/nn/module.h"

namespace nnlab::nn {

// Runs the model on zeros of `input_shape` (batch dim included) under no-grad and in eval mode
// (so BatchNorm statistics and the global Rng are untouched; the training flag is restored, also
// on an error), and returns a table: one row per top-level child, "name: describe()", with its
// output shape and parameter count, then the total, trainable and non-trainable parameter counts.
// The rows come from applying the children in order, which is the forward of a Sequential and of
// a ResNet; a module without children gets one row of its own.
// Layer errors of the model's forward (a wrong input shape) propagate unchanged; a model whose
// forward is not its children in order (their chain fails or ends in another shape) is a ValueError.
std::string summary(Module& model, const Shape& input_shape, DType dtype = DType::f32);

}  // namespace nnlab::nn
