#pragma once
// E5: the closed-form fit of a one-hidden-layer network whose activation is g(z) = z (1 - z).
// A hidden unit computes g(w·x + b) = (b - b²) + (1 - 2b) w·x - (w·x)², a quadratic polynomial
// of x, so every output of the network is θᵀ phi(x) for the quadratic features
// phi(x) = (1, x_1..x_D, x_i x_j for i <= j), F = (D + 1)(D + 2) / 2 of them. Least squares on
// phi finds the best θ there is in one float64 solve (LAPACKE_dgelsd: SVD, minimum norm).
//
// Why its training loss is a lower bound of the network's: the θ a network's weights produce
// form a subset of R^F, and least squares minimises the same mean squared error over all of
// R^F. With enough hidden units the subset is all of R^F (F - 1 units with generic weights:
// their feature vectors and the output bias then span R^F), so the bound is tight; gradient
// descent can only approach it from above. Nothing orders the two on held-out data.
#include <cstdint>
#include <limits>

#include "nnlab/data/dataset.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

// Above this many features the dense solve is refused: its time grows as N·F² (F = 20,000 is
// already minutes to hours), and Fashion-MNIST's 784 pixels would give 308,505.
constexpr std::int64_t kMaxQuadraticFeatures = 20'000;
// The N x F design matrix is held twice in float64 (ours and LAPACK's copy); above 2^28
// elements (2 GiB each) the fit is refused. It also keeps LAPACK's 32-bit sizes in range.
constexpr std::int64_t kMaxDesignElements = std::int64_t{1} << 28;

// (D + 1)(D + 2) / 2, the length of phi(x) for D inputs. Throws ValueError for D < 1.
std::int64_t quadratic_feature_count(std::int64_t inputs);

// phi of each row: inputs (N, D) float32 or float64 (or (N, ...), flattened to D per row) ->
// (N, F) float64 with columns 1, x_1, ..., x_D, then x_1 x_1, x_1 x_2, ..., x_1 x_D, x_2 x_2,
// ..., x_D x_D (i <= j, row-major over the upper triangle). Throws ShapeError for a rank-0 or
// rank-1 input, DTypeError for an integer one, ValueError when F > kMaxQuadraticFeatures or
// N·F > kMaxDesignElements.
Tensor quadratic_features(const Tensor& inputs);

// The weights of a least-squares fit features · weights ≈ targets.
struct LeastSquares {
  Tensor weights;         // (F, K) float64; the minimum-norm one when features are rank deficient
  std::int64_t rank = 0;  // numerical rank of the features: singular values above eps·max(N, F)·σ_max
};

// Minimises ||features · weights - targets||² over weights, each of the K target columns on
// its own: features (N, F), targets (N, K), both float64 (any layout). Singular values below
// eps·max(N, F) times the largest count as 0 (numpy.linalg.lstsq's rcond), so a rank-deficient
// or underdetermined (F > N) system gets the minimum-norm solution. Throws ShapeError for
// shapes that do not fit, DTypeError for float32, ValueError for N = 0, a NaN or inf, or sizes
// past kMaxDesignElements.
LeastSquares least_squares(const Tensor& features, const Tensor& targets);

// A dataset's targets as the (N, K) float64 matrix the network's outputs are compared with:
// classification -> one-hot (N, num_classes) (MSE on one-hot targets); regression (N) -> (N, 1)
// and (N, ...) -> (N, K) flattened.
Tensor target_matrix(const data::Dataset& dataset);

struct QuadraticFit {
  std::int64_t inputs = 0;       // D
  std::int64_t features = 0;     // F
  std::int64_t outputs = 0;      // K: classes, or regression targets per example
  std::int64_t examples = 0;     // N, the training examples fitted
  std::int64_t rank = 0;         // of the N x F feature matrix
  bool underdetermined = false;  // F > N: the minimum-norm fit, which interpolates when rank = N
  Tensor weights;                // (F, K) float64
};

// Least squares of target_matrix(train) on quadratic_features(train.inputs). Throws ValueError
// for an empty dataset, and what quadratic_features and least_squares throw.
QuadraticFit fit_quadratic(const data::Dataset& train);

struct FitScore {
  std::int64_t examples = 0;
  // Mean over N·K of (fitted - target)², as ops::mse_loss with the mean reduction: the number
  // the network's trainer reports as the loss for `loss = "mse"`. NaN for an empty dataset.
  double mse = std::numeric_limits<double>::quiet_NaN();
  // Classification: the fraction whose arg max of the fitted outputs is the class. NaN for
  // regression and for an empty dataset.
  double accuracy = std::numeric_limits<double>::quiet_NaN();
};

// The fit's outputs on `dataset` scored against its targets. Throws ShapeError when the
// dataset's inputs or targets do not have the fit's D and K.
FitScore score_quadratic(const QuadraticFit& fit, const data::Dataset& dataset);

}  // namespace nnlab::analysis
