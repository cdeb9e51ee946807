#pragma once
// The probability a classifier gives to each example's true class, and whether its arg max is
// right: E15's histograms of true-class probability for correct and incorrect examples.
#include <cstdint>
#include <vector>

#include "nnlab/data/dataset.h"
#include "nnlab/nn/module.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

// How the model's outputs (logits) become probabilities, matching the loss it was trained with.
enum class OutputProbability {
  softmax,  // cross-entropy: softmax over the row of logits
  sigmoid,  // one binary cross-entropy per class: sigmoid of the true class's logit alone
};

struct ExampleProbability {
  double true_class_probability = 0.0;
  bool correct = false;  // arg max of the logits (first maximum) equals the true class
};

// One entry per row of logits (N, C), float32/float64, with targets (N) int64 in [0, C).
// Computed in double: softmax subtracts the row max first, sigmoid is evaluated without
// overflow. Throws ShapeError / DTypeError for bad shapes or dtypes, ValueError for a target
// outside [0, C) naming the row.
std::vector<ExampleProbability> true_class_probabilities(const Tensor& logits, const Tensor& targets,
                                                         OutputProbability kind = OutputProbability::softmax);

// The same for a model over a classification dataset, run in eval mode under NoGradGuard,
// batch_size rows at a time (the model's mode is restored).
std::vector<ExampleProbability> true_class_probabilities(nn::Module& model, const data::Dataset& dataset,
                                                         OutputProbability kind = OutputProbability::softmax,
                                                         std::int64_t batch_size = 256);

}  // namespace nnlab::analysis
