#pragma once
// Evaluation of a model on a whole dataset: mean loss and accuracy, in eval mode, no gradients.
#include <cstdint>

#include "nnlab/data/dataset.h"
#include "nnlab/nn/module.h"
#include "nnlab/train/objective.h"

namespace nnlab::train {

struct Evaluation {
  double loss = 0.0;      // mean over examples (each batch's mean weighted by its size)
  double accuracy = 0.0;  // fraction in [0, 1] of correct arg max; NaN for regression
  std::int64_t examples = 0;
};

// Runs the model over `dataset` in order, `batch_size` rows at a time, in eval mode (the
// model's training flag is restored afterwards) and under NoGradGuard. An empty dataset gives
// NaN loss and accuracy. Batching never changes the result beyond float rounding.
Evaluation evaluate(nn::Module& model, const data::Dataset& dataset, const Objective& objective,
                    std::int64_t batch_size);

// Correct arg-max predictions of outputs (B, C) against class indices targets (B).
std::int64_t count_correct(const Tensor& outputs, const Tensor& targets);

}  // namespace nnlab::train
