// E5's closed-form fit: quadratic features built in float64, one LAPACKE_dgelsd solve for all
// target columns, and the fit scored as the trainer scores a network (mean squared error).
#include "nnlab/analysis/closed_form.h"

#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "nnlab/analysis/model_outputs.h"
#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/data/split.h"
#include "nnlab/ops/matmul.h"
#include "nnlab/ops/shape_ops.h"
#include "nnlab/tensor/checks.h"

namespace nnlab::analysis {
namespace {

// t as a contiguous float64 (rows, cols) matrix; rank-1 t becomes one column. No graph is
// recorded, even for a t that requires grad (a network's outputs).
Tensor as_matrix(const Tensor& t) {
  const NoGradGuard no_grad;
  const std::int64_t rows = t.size(0);
  const std::int64_t cols = rows == 0 ? 0 : t.numel() / rows;
  return ops::contiguous(ops::reshape(ops::to_dtype(t, DType::f64), Shape{rows, cols}));
}

void check_design_size(std::int64_t rows, std::int64_t cols, const char* where) {
  NNLAB_CHECK(rows <= kMaxDesignElements / std::max<std::int64_t>(cols, 1), ValueError,
              "{}: expected at most {} elements in the {} x {} matrix, got {}", where, kMaxDesignElements, rows, cols,
              rows * cols);
}

// Column-major copy of a row-major (rows, cols) matrix into `ld` rows (ld >= rows; the rest 0),
// the layout LAPACK works in, so that LAPACKE need not transpose a second copy.
std::vector<double> column_major(const double* data, std::int64_t rows, std::int64_t cols, std::int64_t ld) {
  std::vector<double> out(static_cast<std::size_t>(ld * cols), 0.0);
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t j = 0; j < cols; ++j) out[static_cast<std::size_t>(j * ld + i)] = data[i * cols + j];
  }
  return out;
}

void check_finite(const std::vector<double>& values, const char* what) {
  const bool finite = std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
  NNLAB_CHECK(finite, ValueError, "least_squares: expected finite {}, got NaN or inf", what);
}

}  // namespace

std::int64_t quadratic_feature_count(std::int64_t inputs) {
  NNLAB_CHECK(inputs >= 1, ValueError, "quadratic_feature_count: expected at least 1 input, got {}", inputs);
  // Past ~4·10^9 inputs the product overflows; no dataset comes near, and F is refused far below.
  return (inputs + 1) * (inputs + 2) / 2;
}

Tensor quadratic_features(const Tensor& inputs) {
  check_defined(inputs, "quadratic_features");
  check_floating(inputs, "quadratic_features");
  NNLAB_CHECK(inputs.dim() >= 2, ShapeError, "quadratic_features: expected inputs (N, D), got shape {}",
              inputs.shape());
  const Tensor x = as_matrix(inputs);
  const std::int64_t n = x.size(0), d = x.size(1);
  const std::int64_t f = quadratic_feature_count(d);
  NNLAB_CHECK(f <= kMaxQuadraticFeatures, ValueError,
              "quadratic_features: expected at most {} features, got {} for {} inputs", kMaxQuadraticFeatures, f, d);
  check_design_size(n, f, "quadratic_features");
  Tensor out = Tensor::empty({n, f}, DType::f64);
  const double* in = x.data<double>();
  double* phi = out.data<double>();
  for (std::int64_t r = 0; r < n; ++r) {
    const double* row = in + r * d;
    double* dst = phi + r * f;
    *dst++ = 1.0;
    for (std::int64_t i = 0; i < d; ++i) *dst++ = row[i];
    for (std::int64_t i = 0; i < d; ++i) {
      for (std::int64_t j = i; j < d; ++j) *dst++ = row[i] * row[j];
    }
  }
  return out;
}

LeastSquares least_squares(const Tensor& features, const Tensor& targets) {
  check_defined(features, "least_squares: features");
  check_defined(targets, "least_squares: targets");
  check_rank(features, 2, "least_squares: features");
  check_rank(targets, 2, "least_squares: targets");
  check_dtype(features, DType::f64, "least_squares: features");
  check_dtype(targets, DType::f64, "least_squares: targets");
  const std::int64_t n = features.size(0), f = features.size(1), k = targets.size(1);
  NNLAB_CHECK(targets.size(0) == n, ShapeError,
              "least_squares: expected as many target rows as feature rows, got features {} and targets {}",
              features.shape(), targets.shape());
  NNLAB_CHECK(n >= 1 && f >= 1 && k >= 1, ValueError,
              "least_squares: expected at least one row, feature and target column, got features {} and targets {}",
              features.shape(), targets.shape());
  const std::int64_t ld = std::max(n, f);  // b holds the targets (n rows) in, the weights (f rows) out
  check_design_size(ld, std::max(f, k), "least_squares");

  std::vector<double> a = column_major(ops::contiguous(features).data<double>(), n, f, n);
  std::vector<double> b = column_major(ops::contiguous(targets).data<double>(), n, k, ld);
  check_finite(a, "features");
  check_finite(b, "targets");
  std::vector<double> singular(static_cast<std::size_t>(std::min(n, f)));
  const double rcond = std::numeric_limits<double>::epsilon() * static_cast<double>(ld);
  lapack_int rank = 0;
  const lapack_int info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, static_cast<lapack_int>(n), static_cast<lapack_int>(f),
                                         static_cast<lapack_int>(k), a.data(), static_cast<lapack_int>(n), b.data(),
                                         static_cast<lapack_int>(ld), singular.data(), rcond, &rank);
  // info > 0: the SVD did not converge, which finite input of these sizes should never cause.
  NNLAB_CHECK(info == 0, InternalError, "least_squares: LAPACKE_dgelsd on a {} x {} system failed with info {}", n, f,
              info);

  LeastSquares out{.weights = Tensor::empty({f, k}, DType::f64), .rank = rank};
  double* w = out.weights.data<double>();
  for (std::int64_t i = 0; i < f; ++i) {
    for (std::int64_t j = 0; j < k; ++j) w[i * k + j] = b[static_cast<std::size_t>(j * ld + i)];
  }
  return out;
}

Tensor target_matrix(const data::Dataset& dataset) {
  check_defined(dataset.targets, "target_matrix");
  if (dataset.task == data::Task::classification) {
    return as_matrix(data::one_hot(dataset.targets, dataset.num_classes));
  }
  return as_matrix(dataset.targets);
}

QuadraticFit fit_quadratic(const data::Dataset& train) {
  NNLAB_CHECK(train.size() > 0, ValueError, "fit_quadratic: expected training examples, got none in '{}'", train.name);
  const Tensor phi = quadratic_features(train.inputs);
  const Tensor targets = target_matrix(train);
  LeastSquares solved = least_squares(phi, targets);
  return {.inputs = train.inputs.numel() / train.size(),
          .features = phi.size(1),
          .outputs = targets.size(1),
          .examples = train.size(),
          .rank = solved.rank,
          .underdetermined = phi.size(1) > train.size(),
          .weights = std::move(solved.weights)};
}

FitScore score_quadratic(const QuadraticFit& fit, const data::Dataset& dataset) {
  FitScore score{.examples = dataset.size()};
  if (score.examples == 0) return score;
  const std::int64_t inputs = dataset.inputs.numel() / dataset.size();
  NNLAB_CHECK(inputs == fit.inputs, ShapeError, "score_quadratic: the fit has {} inputs, dataset '{}' has {} ({})",
              fit.inputs, dataset.name, inputs, dataset.inputs.shape());
  const Tensor targets = target_matrix(dataset);
  NNLAB_CHECK(targets.size(1) == fit.outputs, ShapeError,
              "score_quadratic: the fit has {} outputs, dataset '{}' has {} targets per example", fit.outputs,
              dataset.name, targets.size(1));
  const NoGradGuard no_grad;
  const Tensor fitted = ops::matmul(quadratic_features(dataset.inputs), fit.weights);  // (N, K)
  const double* y = fitted.data<double>();
  const double* t = targets.data<double>();
  double sum = 0.0;
  for (std::int64_t i = 0; i < targets.numel(); ++i) sum += (y[i] - t[i]) * (y[i] - t[i]);
  score.mse = sum / static_cast<double>(targets.numel());
  if (dataset.task == data::Task::classification) {
    const std::vector<std::int64_t> predicted = argmax_rows(fitted);
    const std::vector<std::int64_t> truth = class_indices(dataset.targets, "score_quadratic");
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == truth[i] ? 1 : 0;
    score.accuracy = static_cast<double>(correct) / static_cast<double>(score.examples);
  }
  return score;
}

}  // namespace nnlab::analysis
