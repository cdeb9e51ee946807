#pragma once
// Multinomial logistic regression (softmax regression) on fixed features, fitted with nnlab's
// own layers and optimiser: E7's linear probe on a network's frozen features. The features are
// standardised with the training rows' mean and standard deviation first, so that one learning
// rate suits features of any scale (a ResNet's pooled activations, raw pixels); then
// logits = z · weightᵀ + bias, z = (x - mean) · scale, trained on the mean cross-entropy by Adam
// over seeded mini-batches (data::DataLoader).
#include <cstdint>

#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

struct SoftmaxRegressionOptions {
  std::int64_t epochs = 100;      // passes over the training rows (>= 1)
  std::int64_t batch_size = 256;  // rows per Adam step (>= 1); N or more: full batch
  double lr = 0.01;               // Adam's learning rate (> 0)
  double weight_decay = 0.0;      // Adam's L2 penalty on weight and bias (>= 0), as torch.optim.Adam
  std::uint64_t seed = 0;         // the initial weights (torch.nn.Linear's) and the batches' order
};

struct SoftmaxRegression {
  Tensor mean;              // (D) the training features' mean
  Tensor scale;             // (D) 1 / their standard deviation (population); 1 for a constant feature
  Tensor weight;            // (K, D)
  Tensor bias;              // (K)
  double final_loss = 0.0;  // mean cross-entropy over the last epoch's batches
};

// Fits features (N, D) float32 or float64 (rows of more dims are flattened) to labels (N) int64
// in [0, classes). Deterministic for a seed and thread count. Throws ShapeError when N differs
// between features and labels, DTypeError for integer features or float labels, ValueError for
// N = 0, classes < 2, an option out of range (naming it) or a label outside [0, classes).
SoftmaxRegression fit_softmax_regression(const Tensor& features, const Tensor& labels, std::int64_t classes,
                                         const SoftmaxRegressionOptions& options = {});

// The logits (N, K) of features (N, D) under a fit, without recording a graph. Throws ShapeError
// when the rows do not have the fit's D values.
Tensor softmax_regression_logits(const SoftmaxRegression& fit, const Tensor& features);

}  // namespace nnlab::analysis
