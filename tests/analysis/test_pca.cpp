// PCA against points of known structure and against a Jacobi eigen-decomposition of the
// covariance matrix written here, through both the Gram (P > N) and the covariance (P <= N) path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "nnlab/analysis/pca.h"
#include "nnlab/core/error.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

using Matrix = std::vector<std::vector<double>>;

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Subtracts from v its projections on the unit vectors in basis, then scales it to length 1.
void orthonormalise(std::vector<double>& v, const Matrix& basis) {
  for (const auto& b : basis) {
    const double along = dot(v, b);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] -= along * b[i];
  }
  const double length = std::sqrt(dot(v, v));
  for (double& x : v) x /= length;
}

std::vector<double> gaussian_vector(std::size_t size, double stddev, std::mt19937_64& engine) {
  std::normal_distribution<double> normal(0.0, stddev);
  std::vector<double> v(size);
  for (double& x : v) x = normal(engine);
  return v;
}

// Eigenvalues (descending) and unit eigenvectors of a symmetric matrix by cyclic Jacobi
// rotations (Numerical Recipes' jacobi): independent of LAPACK.
void jacobi_eigen(Matrix a, std::vector<double>& values, Matrix& vectors) {
  const std::size_t n = a.size();
  Matrix v(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) v[i][i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t q = p + 1; q < n; ++q) off += a[p][q] * a[p][q];
    if (off < 1e-26) break;
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t q = p + 1; q < n; ++q) {
        if (std::abs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (std::size_t k = 0; k < n; ++k) {  // A P: columns p and q
          const double kp = a[k][p], kq = a[k][q];
          a[k][p] = c * kp - s * kq;
          a[k][q] = s * kp + c * kq;
        }
        for (std::size_t k = 0; k < n; ++k) {  // Pᵀ (A P): rows p and q
          const double pk = a[p][k], qk = a[q][k];
          a[p][k] = c * pk - s * qk;
          a[q][k] = s * pk + c * qk;
        }
        for (std::size_t k = 0; k < n; ++k) {  // V P
          const double kp = v[k][p], kq = v[k][q];
          v[k][p] = c * kp - s * kq;
          v[k][q] = s * kp + c * kq;
        }
      }
    }
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return a[x][x] > a[y][y]; });
  values.clear();
  vectors.clear();
  for (std::size_t j : order) {
    values.push_back(a[j][j]);
    std::vector<double> column(n);
    for (std::size_t k = 0; k < n; ++k) column[k] = v[k][j];
    vectors.push_back(column);
  }
}

std::vector<std::vector<float>> to_float(const Matrix& points) {
  std::vector<std::vector<float>> out;
  for (const auto& p : points) out.emplace_back(p.begin(), p.end());
  return out;
}

// N points a_i d1 + b_i d2 + offset + noise, with d1 ⟂ d2 unit vectors, std(a) = 3, std(b) = 1,
// and a, b centred and exactly uncorrelated over the sample, so PCA must find d1 then d2 with
// variances var(a), var(b) and coordinates a_i, b_i (up to sign).
struct PlantedPoints {
  std::vector<std::vector<float>> points;
  std::vector<double> d1, d2, a, b;
};

PlantedPoints planted_points(std::size_t n, std::size_t p, double noise, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  PlantedPoints planted;
  planted.d1 = gaussian_vector(p, 1.0, engine);
  orthonormalise(planted.d1, {});
  planted.d2 = gaussian_vector(p, 1.0, engine);
  orthonormalise(planted.d2, {planted.d1});
  const std::vector<double> ones(n, 1.0 / std::sqrt(static_cast<double>(n)));
  planted.a = gaussian_vector(n, 3.0, engine);
  planted.b = gaussian_vector(n, 1.0, engine);
  const double length_a = std::sqrt(dot(planted.a, planted.a)), length_b = std::sqrt(dot(planted.b, planted.b));
  orthonormalise(planted.a, {ones});             // centred ...
  orthonormalise(planted.b, {ones, planted.a});  // ... and uncorrelated with a
  for (double& x : planted.a) x *= length_a;
  for (double& x : planted.b) x *= length_b;
  const std::vector<double> offset = gaussian_vector(p, 5.0, engine);
  Matrix points(n, std::vector<double>(p));
  std::normal_distribution<double> jitter(0.0, noise);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < p; ++d)
      points[i][d] = offset[d] + planted.a[i] * planted.d1[d] + planted.b[i] * planted.d2[d] + jitter(engine);
  planted.points = to_float(points);
  return planted;
}

double sign_of_largest(const std::vector<double>& values) {
  const auto largest =
      std::max_element(values.begin(), values.end(), [](double x, double y) { return std::abs(x) < std::abs(y); });
  return *largest >= 0 ? 1.0 : -1.0;
}

void expect_finds_planted_structure(std::size_t n, std::size_t p) {
  const PlantedPoints planted = planted_points(n, p, 1e-4, /*seed=*/n * 1000 + p);
  const PcaResult result = pca(planted.points, {.components = 2, .keep_directions = true});
  ASSERT_EQ(result.components, 2);
  ASSERT_EQ(result.coordinates.size(), 2 * n);
  const double dof = static_cast<double>(n - 1);
  const double var_a = dot(planted.a, planted.a) / dof, var_b = dot(planted.b, planted.b) / dof;
  EXPECT_NEAR(result.explained_variance[0], var_a, 1e-3 * var_a);
  EXPECT_NEAR(result.explained_variance[1], var_b, 1e-3 * var_b);
  EXPECT_NEAR(result.explained_variance_ratio[0], var_a / (var_a + var_b), 1e-3);
  EXPECT_NEAR(result.explained_variance_ratio[1], var_b / (var_a + var_b), 1e-3);
  EXPECT_NEAR(std::abs(dot(result.directions[0], planted.d1)), 1.0, 1e-4);
  EXPECT_NEAR(std::abs(dot(result.directions[1], planted.d2)), 1.0, 1e-4);
  const std::vector<const std::vector<double>*> truth = {&planted.a, &planted.b};
  for (std::int64_t c = 0; c < 2; ++c) {
    const double sign = sign_of_largest(*truth[c]);  // the rule pca applies: largest |coordinate| positive
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(result.coordinate(static_cast<std::int64_t>(i), c), sign * (*truth[c])[i], 2e-3)
          << "point " << i << ", component " << c;
    }
  }
}

TEST(Pca, FindsPlantedDirectionsThroughTheGramMatrix) { expect_finds_planted_structure(30, 4500); }  // 3 chunks
TEST(Pca, FindsPlantedDirectionsThroughTheCovarianceMatrix) { expect_finds_planted_structure(200, 12); }

// Every output against the covariance matrix computed and diagonalised (Jacobi) in this test.
void expect_matches_jacobi(std::size_t n, std::size_t p, std::int64_t k) {
  std::mt19937_64 engine(n * 31 + p);
  Matrix raw(n, std::vector<double>(p));
  for (auto& point : raw) {
    for (std::size_t d = 0; d < p; ++d) point[d] = std::normal_distribution<double>(1.0, 0.3 + 0.4 * d)(engine);
  }
  const std::vector<std::vector<float>> points = to_float(raw);
  std::vector<double> mean(p, 0.0);
  for (const auto& point : points)
    for (std::size_t d = 0; d < p; ++d) mean[d] += point[d] / static_cast<double>(n);
  Matrix covariance(p, std::vector<double>(p, 0.0));
  for (const auto& point : points)
    for (std::size_t r = 0; r < p; ++r)
      for (std::size_t c = 0; c < p; ++c)
        covariance[r][c] += (point[r] - mean[r]) * (point[c] - mean[c]) / static_cast<double>(n - 1);
  std::vector<double> values;
  Matrix vectors;
  jacobi_eigen(covariance, values, vectors);
  double trace = 0.0;
  for (std::size_t d = 0; d < p; ++d) trace += covariance[d][d];

  const PcaResult result = pca(points, {.components = k, .keep_directions = true});
  EXPECT_NEAR(result.total_variance, trace, 1e-10 * trace);
  for (std::int64_t c = 0; c < k; ++c) {
    const auto j = static_cast<std::size_t>(c);
    EXPECT_NEAR(result.explained_variance[j], values[j], 1e-9 * values[0]) << "component " << c;
    EXPECT_NEAR(result.explained_variance_ratio[j], values[j] / trace, 1e-9) << "component " << c;
    std::vector<double> expected(n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t d = 0; d < p; ++d) expected[i] += (points[i][d] - mean[d]) * vectors[j][d];
    }
    const double sign = sign_of_largest(expected);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(result.coordinate(static_cast<std::int64_t>(i), c), sign * expected[i], 1e-8) << "point " << i;
    }
    for (std::size_t d = 0; d < p; ++d) EXPECT_NEAR(result.directions[j][d], sign * vectors[j][d], 1e-8);
  }
}

TEST(Pca, MatchesJacobiThroughTheCovarianceMatrix) { expect_matches_jacobi(20, 7, 3); }
TEST(Pca, MatchesJacobiThroughTheGramMatrix) { expect_matches_jacobi(7, 11, 3); }

TEST(Pca, LargestCoordinateIsPositive) {
  const PcaResult result = pca({{0.0f, 0.0f}, {1.0f, 0.0f}, {-5.0f, 0.1f}});
  // The first component is (almost) the x axis; -5 - mean(-4/3) is its largest-magnitude coordinate.
  EXPECT_GT(result.coordinate(2, 0), 0.0);
  EXPECT_LT(result.coordinate(1, 0), 0.0);
  // Mirrored points give the mirrored picture's sign fixed back: the same coordinates.
  const PcaResult mirrored = pca({{0.0f, 0.0f}, {-1.0f, 0.0f}, {5.0f, -0.1f}});
  for (std::int64_t i = 0; i < 3; ++i) {
    for (std::int64_t c = 0; c < 2; ++c) EXPECT_NEAR(mirrored.coordinate(i, c), result.coordinate(i, c), 1e-6);
  }
}

TEST(Pca, ComponentsBeyondTheRankHaveZeroVariance) {
  const PcaResult result = pca({{1.0f, 2.0f, 3.0f}, {2.0f, 4.0f, 6.0f}}, {.components = 2});
  EXPECT_NEAR(result.explained_variance[0], 7.0, 1e-9);  // points ±(0.5, 1, 1.5): 2 · 3.5 / 1
  EXPECT_NEAR(result.explained_variance_ratio[0], 1.0, 1e-12);
  EXPECT_NEAR(result.explained_variance[1], 0.0, 1e-9);
  EXPECT_NEAR(std::abs(result.coordinate(1, 0)), std::sqrt(3.5), 1e-9);  // |(0.5, 1, 1.5)| = sqrt(3.5)
  EXPECT_NEAR(result.coordinate(0, 0), -result.coordinate(1, 0), 1e-9);
  EXPECT_NEAR(result.coordinate(0, 1), 0.0, 1e-6);
}

TEST(Pca, RejectsBadInput) {
  expect_throw_with<ValueError>([] { pca({{1.0f, 2.0f}}); }, "pca: expected at least 2 points, got 1");
  expect_throw_with<ShapeError>(
      [] {
        pca({{1.0f, 2.0f}, {1.0f}});
      },
      "pca: expected every point to have 2 values like point 0, got 1 in point 1");
  expect_throw_with<ValueError>(
      [] {
        pca({{1.0f, 2.0f}, {3.0f, 4.0f}}, {.components = 3});
      },
      "pca: expected components in [1, min(N, P)] = [1, 2], got 3");
  expect_throw_with<ValueError>(
      [] {
        pca({{1.0f, NAN}, {3.0f, 4.0f}});
      },
      "pca: expected finite values, got NaN or inf in dimension 1");
}

TEST(Pca, FlattensNamedTensorsInNameOrder) {
  const std::vector<nn::NamedTensor> tensors = {
      {"b.weight", Tensor::from({{1.0, 2.0}, {3.0, 4.0}})},
      {"a.bias", Tensor::from({5.0}, DType::f64)},
      {"b.bias", Tensor::from({6.0, 7.0})},
  };
  EXPECT_EQ(flatten_named_tensors(tensors), (std::vector<float>{5, 6, 7, 1, 2, 3, 4}));
  expect_throw_with<ValueError>(
      [] {
        flatten_named_tensors({{"w", Tensor::from({1.0})}, {"w", Tensor::from({2.0})}});
      },
      "flatten_named_tensors: expected distinct names, got 'w' twice");
}

}  // namespace
}  // namespace nnlab::analysis
