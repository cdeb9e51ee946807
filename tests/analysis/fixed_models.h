#pragma once
// Small models with hand-chosen weights, so the tests of analysis/ know every answer.
#include <memory>
#include <vector>

#include "nnlab/data/dataset.h"
#include "nnlab/nn/linear.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::analysis {

// A Linear layer whose weight (out, in) and bias (out) are the given rows and values.
inline std::shared_ptr<nn::Linear> linear_with(const std::vector<std::vector<double>>& weight,
                                               const std::vector<double>& bias, DType dtype = DType::f32) {
  const auto out = static_cast<std::int64_t>(weight.size());
  const auto in = static_cast<std::int64_t>(weight.front().size());
  auto layer = std::make_shared<nn::Linear>(nn::LinearOptions{.in_features = in, .out_features = out, .dtype = dtype});
  std::vector<double> flat;
  for (const auto& row : weight) flat.insert(flat.end(), row.begin(), row.end());
  copy_into(layer->weight(), Tensor::from_doubles(flat, {out, in}, dtype));
  copy_into(layer->bias(), Tensor::from_doubles(bias, {out}, dtype));
  return layer;
}

// A classification dataset from rows of inputs and their class indices.
inline data::Dataset classification_data(const std::vector<double>& inputs, std::int64_t features,
                                         const std::vector<double>& labels, std::int64_t num_classes,
                                         DType dtype = DType::f32) {
  data::Dataset dataset;
  dataset.inputs = Tensor::from_doubles(inputs, {static_cast<std::int64_t>(labels.size()), features}, dtype);
  dataset.targets = Tensor::from_doubles(labels, {static_cast<std::int64_t>(labels.size())}, DType::i64);
  dataset.num_classes = num_classes;
  dataset.name = "fixed";
  return dataset;
}

}  // namespace nnlab::analysis
