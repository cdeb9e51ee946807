// E5's closed form: the feature map by hand, least squares against normal equations solved by a
// Cholesky factorisation written here (independent of LAPACK), exact recovery of a quadratic,
// and the bound on a network with activation x (1 - x) trained by gradient descent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/fixed_models.h"
#include "nnlab/analysis/closed_form.h"
#include "nnlab/core/error.h"
#include "nnlab/nn/builders.h"
#include "nnlab/ops/loss.h"
#include "nnlab/optim/adam.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

using Matrix = std::vector<std::vector<double>>;

Matrix rows_of(const Tensor& t) {
  Matrix out(static_cast<std::size_t>(t.size(0)), std::vector<double>(static_cast<std::size_t>(t.size(1))));
  const Tensor c = to_dtype(t, DType::f64);
  for (std::int64_t i = 0; i < t.size(0); ++i) {
    for (std::int64_t j = 0; j < t.size(1); ++j) out[i][j] = c.data<double>()[i * t.size(1) + j];
  }
  return out;
}

// Solves (Aᵀ A) w = Aᵀ b for each column of b through the Cholesky factor L Lᵀ = Aᵀ A, with
// forward and back substitution: the textbook normal equations, fine for a well-conditioned A.
Matrix normal_equations(const Matrix& a, const Matrix& b) {
  const std::size_t n = a.size(), f = a[0].size(), k = b[0].size();
  Matrix gram(f, std::vector<double>(f, 0.0)), rhs(f, std::vector<double>(k, 0.0));
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t i = 0; i < f; ++i) {
      for (std::size_t j = 0; j < f; ++j) gram[i][j] += a[r][i] * a[r][j];
      for (std::size_t j = 0; j < k; ++j) rhs[i][j] += a[r][i] * b[r][j];
    }
  }
  Matrix l(f, std::vector<double>(f, 0.0));
  for (std::size_t i = 0; i < f; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double sum = gram[i][j];
      for (std::size_t m = 0; m < j; ++m) sum -= l[i][m] * l[j][m];
      l[i][j] = i == j ? std::sqrt(sum) : sum / l[j][j];
    }
  }
  Matrix w(f, std::vector<double>(k, 0.0));
  for (std::size_t c = 0; c < k; ++c) {
    std::vector<double> y(f);
    for (std::size_t i = 0; i < f; ++i) {  // L y = rhs
      double sum = rhs[i][c];
      for (std::size_t m = 0; m < i; ++m) sum -= l[i][m] * y[m];
      y[i] = sum / l[i][i];
    }
    for (std::size_t i = f; i-- > 0;) {  // Lᵀ w = y
      double sum = y[i];
      for (std::size_t m = i + 1; m < f; ++m) sum -= l[m][i] * w[m][c];
      w[i][c] = sum / l[i][i];
    }
  }
  return w;
}

// A regression dataset of inputs (N, D) and targets (N, K), float64.
data::Dataset regression_data(const Tensor& inputs, const Tensor& targets) {
  data::Dataset dataset;
  dataset.inputs = inputs;
  dataset.targets = targets;
  dataset.task = data::Task::regression;
  dataset.name = "regression";
  return dataset;
}

// y = 1.5 - 2 x1 + 0.5 x2 + 3 x1² - x1 x2 + 0.25 x2², in quadratic_features' column order.
const std::vector<double> kQuadratic = {1.5, -2.0, 0.5, 3.0, -1.0, 0.25};

Tensor known_quadratic(const Tensor& x) {
  const std::int64_t n = x.size(0);
  std::vector<double> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const double x1 = x.data<double>()[2 * i], x2 = x.data<double>()[2 * i + 1];
    const std::vector<double> phi = {1, x1, x2, x1 * x1, x1 * x2, x2 * x2};
    for (std::size_t j = 0; j < phi.size(); ++j) y[i] += kQuadratic[j] * phi[j];
  }
  return Tensor::from_doubles(y, {n, 1}, DType::f64);
}

// A noisy target no quadratic fits exactly: sin(2 x1) + x2³ + N(0, 0.1²).
Tensor noisy_cubic(const Tensor& x, Rng& rng) {
  const std::int64_t n = x.size(0);
  const Tensor noise = normal({n}, 0.0, 0.1, rng, DType::f64);
  std::vector<double> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const double x1 = x.data<double>()[2 * i], x2 = x.data<double>()[2 * i + 1];
    y[i] = std::sin(2 * x1) + x2 * x2 * x2 + noise.data<double>()[i];
  }
  return Tensor::from_doubles(y, {n, 1}, DType::f64);
}

// The training loss after each of `steps` full-batch Adam steps of an mlp with one hidden
// layer of `hidden` units x (1 - x), in float64.
std::vector<double> train_network(const data::Dataset& train, std::int64_t hidden, int steps, Rng& rng) {
  auto model = nn::mlp({.in_features = train.inputs.size(1),
                        .hidden = {hidden},
                        .out_features = 1,
                        .activation = "quadratic",
                        .dtype = DType::f64,
                        .rng = &rng});
  optim::Adam adam(model->parameters(), {.lr = 0.02});
  std::vector<double> losses;
  for (int step = 0; step < steps; ++step) {
    adam.zero_grad();
    const Tensor loss = ops::mse_loss((*model)(train.inputs), train.targets);
    loss.backward();
    adam.step();
    losses.push_back(loss.item());
  }
  losses.push_back(ops::mse_loss((*model)(train.inputs), train.targets).item());
  return losses;
}

}  // namespace

TEST(QuadraticFeatures, OrderAndCountByHand) {
  EXPECT_EQ(quadratic_feature_count(1), 3);
  EXPECT_EQ(quadratic_feature_count(2), 6);
  EXPECT_EQ(quadratic_feature_count(8), 45);
  EXPECT_EQ(quadratic_feature_count(784), 308'505);  // Fashion-MNIST's pixels
  // (1, x1, x2, x1², x1 x2, x2²) for (2, 3) and (-1, 0.5)
  expect_equal(quadratic_features(Tensor::from({{2, 3}, {-1, 0.5}})),
               Tensor::from({{1, 2, 3, 4, 6, 9}, {1, -1, 0.5, 1, -0.5, 0.25}}, DType::f64));
  // D = 3: 1, x1, x2, x3, x1x1, x1x2, x1x3, x2x2, x2x3, x3x3 for (2, 3, 5); a (N, 1, 3) input flattens
  const Tensor phi = quadratic_features(Tensor::from_doubles({2, 3, 5}, {1, 1, 3}, DType::f64));
  expect_equal(phi, Tensor::from({{1, 2, 3, 5, 4, 6, 10, 9, 15, 25}}, DType::f64));
}

TEST(QuadraticFeatures, RejectsBadInputs) {
  expect_throw_with<ShapeError>(
      [] {
        quadratic_features(Tensor::from({1, 2}));
      },
      "quadratic_features: expected inputs (N, D), got shape [2]");
  expect_throw_with<DTypeError>(
      [] {
        quadratic_features(Tensor::zeros({2, 2}, DType::i64));
      },
      "quadratic_features: expected float32 or float64, got int64");
  expect_throw_with<ValueError>(
      [] {
        quadratic_features(Tensor::zeros({1, 784}));
      },
      "expected at most 20000 features, got 308505 for 784 inputs");
  expect_throw_with<ValueError>([] { quadratic_feature_count(0); }, "expected at least 1 input, got 0");
}

TEST(LeastSquares, MatchesTheNormalEquations) {
  // 40 points, 6 features, 3 target columns: well conditioned, so both ways agree to rounding.
  Rng rng(11);
  const Tensor phi = quadratic_features(uniform({40, 2}, -1, 1, rng, DType::f64));
  const Tensor targets = normal({40, 3}, 0.0, 1.0, rng, DType::f64);
  const LeastSquares fit = least_squares(phi, targets);
  EXPECT_EQ(fit.rank, 6);
  const Matrix expected = normal_equations(rows_of(phi), rows_of(targets));
  const Matrix actual = rows_of(fit.weights);
  ASSERT_EQ(actual.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(actual[i][j], expected[i][j], 1e-10) << i << ", " << j;
  }
}

TEST(LeastSquares, RecoversAKnownQuadraticExactly) {
  Rng rng(3);
  const Tensor x = uniform({25, 2}, -2, 2, rng, DType::f64);
  const QuadraticFit fit = fit_quadratic(regression_data(x, known_quadratic(x)));
  EXPECT_EQ(fit.inputs, 2);
  EXPECT_EQ(fit.features, 6);
  EXPECT_EQ(fit.outputs, 1);
  EXPECT_FALSE(fit.underdetermined);
  expect_close(fit.weights, Tensor::from_doubles(kQuadratic, {6, 1}, DType::f64), {1e-10, 1e-10});
  // ... and it predicts unseen points of the same function.
  const Tensor unseen = uniform({10, 2}, -3, 3, rng, DType::f64);
  const FitScore score = score_quadratic(fit, regression_data(unseen, known_quadratic(unseen)));
  EXPECT_LT(score.mse, 1e-20);
  EXPECT_TRUE(std::isnan(score.accuracy));
}

TEST(LeastSquares, UnderdeterminedGivesTheMinimumNormInterpolant) {
  // 3 points, 6 features: every target is met, and the weights have no part in the null space
  // of the features, i.e. they are a combination of the 3 feature rows.
  const Tensor x = Tensor::from({{0.5, -1}, {2, 1}, {-1, 0.25}}, DType::f64);
  const Tensor targets = Tensor::from_doubles({1, -2, 0.5}, {3, 1}, DType::f64);
  const QuadraticFit fit = fit_quadratic(regression_data(x, targets));
  EXPECT_TRUE(fit.underdetermined);
  EXPECT_EQ(fit.rank, 3);
  EXPECT_LT(score_quadratic(fit, regression_data(x, targets)).mse, 1e-24);
  // w = Φᵀ c with (Φ Φᵀ) c = y: the minimum-norm solution, by the normal equations of the
  // square, well-conditioned system Φ Φᵀ.
  const Matrix phi = rows_of(quadratic_features(x));
  Matrix gram(3, std::vector<double>(3, 0.0));
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t m = 0; m < 6; ++m) gram[i][j] += phi[i][m] * phi[j][m];
  const Matrix c = normal_equations(gram, rows_of(targets));
  const Matrix w = rows_of(fit.weights);
  for (std::size_t j = 0; j < 6; ++j) {
    double expected = 0.0;
    for (std::size_t i = 0; i < 3; ++i) expected += phi[i][j] * c[i][0];
    EXPECT_NEAR(w[j][0], expected, 1e-8) << j;
  }
}

TEST(LeastSquares, RejectsBadInputs) {
  const Tensor phi = Tensor::zeros({4, 3}, DType::f64);
  expect_throw_with<ShapeError>(
      [&] {
        least_squares(phi, Tensor::zeros({5, 1}, DType::f64));
      },
      "expected as many target rows as feature rows, got features [4, 3] and targets [5, 1]");
  expect_throw_with<DTypeError>(
      [&] {
        least_squares(Tensor::zeros({4, 3}), Tensor::zeros({4, 1}, DType::f64));
      },
      "least_squares: features");
  Tensor bad = Tensor::ones({4, 1}, DType::f64);
  bad.data<double>()[2] = std::numeric_limits<double>::quiet_NaN();
  expect_throw_with<ValueError>([&] { least_squares(phi, bad); }, "expected finite targets, got NaN or inf");
  expect_throw_with<ValueError>([] { fit_quadratic(data::Dataset{}); }, "expected training examples, got none");
}

TEST(ClosedForm, ClassesAreOneHotTargetsScoredByArgMax) {
  // Class 1 inside the circle x1² + x2² < 1, class 0 outside: a quadratic separates them, so the
  // least-squares scores classify every training point right although their MSE is not 0.
  std::vector<double> inputs, labels;
  for (int i = 0; i < 24; ++i) {
    const double angle = 0.7 * i, radius = i % 2 == 0 ? 0.4 : 1.6;
    inputs.insert(inputs.end(), {radius * std::cos(angle), radius * std::sin(angle)});
    labels.push_back(i % 2 == 0 ? 1 : 0);
  }
  const data::Dataset circles = classification_data(inputs, 2, labels, 2);
  const QuadraticFit fit = fit_quadratic(circles);
  EXPECT_EQ(fit.outputs, 2);
  const FitScore score = score_quadratic(fit, circles);
  EXPECT_EQ(score.examples, 24);
  EXPECT_DOUBLE_EQ(score.accuracy, 1.0);
  // On two circles the class is a quadratic of x, fitted up to the float32 rounding of the points.
  EXPECT_LT(score.mse, 1e-12);
  expect_throw_with<ShapeError>(
      [&] {
        score_quadratic(fit, classification_data({1, 2, 3}, 3, {0}, 2));
      },
      "the fit has 2 inputs");
}

TEST(ClosedForm, LowerBoundsTheNetworkTrainedByGradientDescent) {
  // Noisy non-quadratic data: no quadratic fits it exactly, so the bound is above 0.
  Rng rng(2024);
  const Tensor x = uniform({200, 2}, -1, 1, rng, DType::f64);
  const data::Dataset train = regression_data(x, noisy_cubic(x, rng));
  const double closed_form = score_quadratic(fit_quadratic(train), train).mse;
  EXPECT_GT(closed_form, 1e-3);

  // 8 hidden units (>= F - 1 = 5: every quadratic is within reach) and 1 (rank-one quadratic
  // forms only), trained full-batch by Adam. Along the way no loss goes under the bound (beyond
  // float64 rounding); the wide network reaches it, the narrow one stays visibly above.
  const std::vector<double> wide = train_network(train, 8, 400, rng);
  const std::vector<double> narrow = train_network(train, 1, 400, rng);
  for (const std::vector<double>* losses : {&wide, &narrow}) {
    const double lowest = *std::min_element(losses->begin(), losses->end());
    EXPECT_GE(lowest, closed_form * (1 - 1e-12)) << "closed form " << closed_form << ", trained " << lowest;
  }
  EXPECT_GT(wide[20], 1.1 * closed_form);  // early on, gradient descent is well above the bound ...
  EXPECT_LT(wide.back(), closed_form * (1 + 1e-6)) << "closed form " << closed_form << ", trained " << wide.back();
  EXPECT_GT(narrow.back(), 1.1 * closed_form);  // ... and one unit never reaches it
}

TEST(ClosedForm, TheNetworkIsAQuadraticOfItsInput) {
  // Whatever its weights, the network's outputs are fitted exactly by the quadratic features.
  Rng rng(9);
  const Tensor x = uniform({50, 3}, -2, 2, rng, DType::f64);
  auto model = nn::mlp({.in_features = 3,
                        .hidden = {7},
                        .out_features = 2,
                        .activation = "quadratic",
                        .dtype = DType::f64,
                        .rng = &rng});
  const Tensor outputs = (*model)(x).detach();
  const data::Dataset of_network = regression_data(x, outputs);
  const QuadraticFit fit = fit_quadratic(of_network);
  EXPECT_EQ(fit.features, 10);
  EXPECT_LT(score_quadratic(fit, of_network).mse, 1e-24);
}

}  // namespace nnlab::analysis
