#pragma once
// A model's outputs and predicted classes over many inputs, batch by batch, in eval mode and
// without recording a graph: the shared first step of confusion, class probabilities,
// misclassified examples and decision regions.
#include <cstdint>
#include <vector>

#include "nnlab/nn/module.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

// Puts a model in eval mode for its lifetime and restores the mode it found (even when the
// scope ends with an exception). Used by every analysis that runs a model.
class EvalModeScope {
 public:
  explicit EvalModeScope(nn::Module& model) : model_(model), was_training_(model.is_training()) { model.eval(); }
  ~EvalModeScope() { model_.train(was_training_); }
  EvalModeScope(const EvalModeScope&) = delete;
  EvalModeScope& operator=(const EvalModeScope&) = delete;

 private:
  nn::Module& model_;
  bool was_training_;
};

// model(inputs) for inputs (N, ...), run `batch_size` rows at a time in eval mode under
// NoGradGuard, the batches' outputs joined into one contiguous (N, C) tensor. N = 0 gives (0, 0).
// Throws ValueError for batch_size < 1, ShapeError if inputs has no batch dim or the model's
// outputs are not 2-D (N rows); the model's own errors pass through.
Tensor outputs_in_batches(nn::Module& model, const Tensor& inputs, std::int64_t batch_size);

// The arg max of each row of outputs (N, C) (the first maximum on ties, as torch.argmax).
// Throws ShapeError unless outputs is 2-D with C >= 1.
std::vector<std::int64_t> argmax_rows(const Tensor& outputs);

// argmax_rows(outputs_in_batches(model, inputs, batch_size)).
std::vector<std::int64_t> predict_classes(nn::Module& model, const Tensor& inputs, std::int64_t batch_size);

// The class indices of a (N) int64 targets tensor as a vector. Throws DTypeError / ShapeError
// naming `where` otherwise.
std::vector<std::int64_t> class_indices(const Tensor& targets, const char* where);

}  // namespace nnlab::analysis
