#pragma once
// A trained network's features: its outputs just before its final Linear layer (the head), for
// E7's linear probe. For a ResNet that is the globally average-pooled, flattened output of
// layer4 (ResNet::features); for a Sequential (the MLPs, CNNs and logistic models that
// lab/experiment_model builds) the output of every layer before the last Linear one.
#include <cstdint>
#include <string>

#include "nnlab/nn/module.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

// The features (N, F) of inputs (N, ...), run batch_size rows at a time in eval mode without
// recording a graph (outputs_in_batches); the model's mode is restored. Throws ValueError for a
// model that is neither a ResNet nor a Sequential holding a Linear layer (naming what it is),
// and ShapeError when the features of a row are not flat (F values).
Tensor frozen_features(nn::Module& model, const Tensor& inputs, std::int64_t batch_size);

// How frozen_features reads a model, for messages: "the pooled output of layer4, the input of fc"
// (a ResNet), "the output of layers 0..2, before the Linear layer 3" (a Sequential). Throws as above.
std::string frozen_features_source(nn::Module& model);

}  // namespace nnlab::analysis
