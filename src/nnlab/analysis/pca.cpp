// PCA through the eigen-decomposition of the centred Gram matrix (P > N) or of the centred
// scatter matrix (P <= N), both summed in double and diagonalised by LAPACKE.
#include "nnlab/analysis/pca.h"

#include <lapacke.h>

#include <algorithm>
#include <cmath>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"

namespace nnlab::analysis {
namespace {

using Points = std::vector<std::vector<float>>;

// Dimensions of centred data per pass in the Gram path: 2048 x N doubles (4 MB for N = 256).
constexpr std::size_t kGramChunk = 2048;

// One principal component before its sign is fixed: the scatter-matrix eigenvalue (the sum of
// the squared coordinates), the N coordinates and, when asked for, the unit direction in R^P.
struct Component {
  double eigenvalue = 0.0;
  std::vector<double> coordinates;
  std::vector<double> direction;
};

std::vector<double> column_means(const Points& points, std::size_t p) {
  std::vector<double> mean(p, 0.0);
  for (const std::vector<float>& point : points) {
    for (std::size_t d = 0; d < p; ++d) mean[d] += point[d];
  }
  for (std::size_t d = 0; d < p; ++d) {
    mean[d] /= static_cast<double>(points.size());
    // A NaN or inf anywhere in a column makes its mean non-finite: one check per dimension.
    NNLAB_CHECK(std::isfinite(mean[d]), ValueError, "pca: expected finite values, got NaN or inf in dimension {}", d);
  }
  return mean;
}

// Eigen-decomposition of the symmetric matrix (order x order, row-major), which is overwritten
// by the eigenvectors (column j belongs to values[j]). Eigenvalues ascend.
std::vector<double> symmetric_eigen(std::vector<double>& matrix, std::size_t order) {
  std::vector<double> values(order);
  const auto n = static_cast<lapack_int>(order);
  const lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', n, matrix.data(), n, values.data());
  NNLAB_CHECK(info == 0, InternalError, "pca: LAPACKE_dsyevd on a {}x{} matrix failed with info {}", order, order,
              info);
  return values;
}

// Lower triangle of sum_d outer(columns[d], columns[d]) added into out (n, n), for `width`
// rows of n values each: out[i][j] += sum_d columns[d][i] · columns[d][j], j <= i. Four rows
// of columns per pass over an out row, in a fixed order, so the loop over j vectorises without
// reassociating a sum (nnlab's float64 gemm measured ~50x slower on these thin shapes). Threads
// take rows i and n-1-i together (equal triangle work); each entry is summed in one fixed order.
void accumulate_outer_products(const double* columns, std::size_t width, std::size_t n, double* out) {
  const auto pairs = static_cast<std::int64_t>((n + 1) / 2);
  parallel_for(0, pairs, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::size_t d = 0; d < width; d += 4) {
      const std::size_t group = std::min<std::size_t>(4, width - d);
      const double* c0 = columns + d * n;
      const double* c1 = group > 1 ? c0 + n : c0;
      const double* c2 = group > 2 ? c1 + n : c0;
      const double* c3 = group > 3 ? c2 + n : c0;
      // Missing rows of a short last group read c0 with weight 0, which adds exactly 0.
      const auto update_row = [&](std::size_t i) {
        const double a0 = c0[i], a1 = group > 1 ? c1[i] : 0.0, a2 = group > 2 ? c2[i] : 0.0;
        const double a3 = group > 3 ? c3[i] : 0.0;
        double* row = out + i * n;
        for (std::size_t j = 0; j <= i; ++j) row[j] += a0 * c0[j] + a1 * c1[j] + a2 * c2[j] + a3 * c3[j];
      };
      for (auto pair = static_cast<std::size_t>(begin); pair < static_cast<std::size_t>(end); ++pair) {
        update_row(pair);
        if (n - 1 - pair != pair) update_row(n - 1 - pair);  // the middle row of an odd n comes once
      }
    }
  });
}

void mirror_lower_triangle(std::vector<double>& matrix, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) matrix[i * n + j] = matrix[j * n + i];
  }
}

// G (N, N) = Xc · Xcᵀ for the centred points Xc (N, P), accumulated over chunks of dimensions.
std::vector<double> centred_gram(const Points& points, const std::vector<double>& mean) {
  const std::size_t n = points.size();
  const std::size_t p = mean.size();
  std::vector<double> columns(std::min(kGramChunk, p) * n);  // (width, N): dimension-major
  std::vector<double> gram(n * n, 0.0);
  for (std::size_t start = 0; start < p; start += kGramChunk) {
    const std::size_t width = std::min(kGramChunk, p - start);
    for (std::size_t i = 0; i < n; ++i) {
      const float* source = points[i].data() + start;
      for (std::size_t d = 0; d < width; ++d) columns[d * n + i] = source[d] - mean[start + d];
    }
    accumulate_outer_products(columns.data(), width, n, gram.data());
  }
  mirror_lower_triangle(gram, n);
  return gram;
}

// From the Gram matrix: its eigenvector u with eigenvalue λ gives the coordinates sqrt(λ) u
// and the direction Xcᵀ u / sqrt(λ) (Xc = U S Vᵀ, so Xc Xcᵀ = U S² Uᵀ and Xc V = U S).
std::vector<Component> gram_components(const Points& points, const std::vector<double>& mean, std::size_t k,
                                       bool keep_directions) {
  const std::size_t n = points.size();
  const std::size_t p = mean.size();
  std::vector<double> vectors = centred_gram(points, mean);
  const std::vector<double> values = symmetric_eigen(vectors, n);
  std::vector<Component> components(k);
  for (std::size_t c = 0; c < k; ++c) {
    const std::size_t column = n - 1 - c;
    Component& component = components[c];
    component.eigenvalue = std::max(values[column], 0.0);  // rounding can leave a null one slightly negative
    const double singular = std::sqrt(component.eigenvalue);
    for (std::size_t i = 0; i < n; ++i) component.coordinates.push_back(singular * vectors[i * n + column]);
    if (!keep_directions) continue;
    component.direction.assign(p, 0.0);
    if (singular == 0.0) continue;  // no spread along this component: no direction to recover
    for (std::size_t i = 0; i < n; ++i) {
      const double weight = vectors[i * n + column] / singular;
      for (std::size_t d = 0; d < p; ++d) component.direction[d] += weight * (points[i][d] - mean[d]);
    }
  }
  return components;
}

// From the scatter matrix S (P, P) = Xcᵀ Xc: its eigenvector v is the direction, Xc v the coordinates.
std::vector<Component> scatter_components(const Points& points, const std::vector<double>& mean, std::size_t k,
                                          bool keep_directions) {
  const std::size_t n = points.size();
  const std::size_t p = mean.size();
  std::vector<double> centred(n * p);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t d = 0; d < p; ++d) centred[i * p + d] = points[i][d] - mean[d];
  }
  // S (P, P) = sum over points of outer(xc_i, xc_i): the rows of centred are the "columns" here.
  std::vector<double> vectors(p * p, 0.0);
  accumulate_outer_products(centred.data(), n, p, vectors.data());
  mirror_lower_triangle(vectors, p);
  const std::vector<double> values = symmetric_eigen(vectors, p);
  std::vector<Component> components(k);
  for (std::size_t c = 0; c < k; ++c) {
    const std::size_t column = p - 1 - c;
    Component& component = components[c];
    component.eigenvalue = std::max(values[column], 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      double dot = 0.0;
      for (std::size_t d = 0; d < p; ++d) dot += centred[i * p + d] * vectors[d * p + column];
      component.coordinates.push_back(dot);
    }
    if (!keep_directions) continue;
    for (std::size_t d = 0; d < p; ++d) component.direction.push_back(vectors[d * p + column]);
  }
  return components;
}

// Flips a component so that its largest-magnitude coordinate (the first, on ties) is positive.
void fix_sign(Component& component) {
  const auto largest = std::max_element(component.coordinates.begin(), component.coordinates.end(),
                                        [](double a, double b) { return std::abs(a) < std::abs(b); });
  if (largest == component.coordinates.end() || *largest >= 0.0) return;
  for (double& value : component.coordinates) value = -value;
  for (double& value : component.direction) value = -value;
}

double total_sum_of_squares(const Points& points, const std::vector<double>& mean) {
  double total = 0.0;
  for (const std::vector<float>& point : points) {
    for (std::size_t d = 0; d < mean.size(); ++d) total += (point[d] - mean[d]) * (point[d] - mean[d]);
  }
  return total;
}

void check_points(const Points& points, const PcaOptions& options) {
  NNLAB_CHECK(points.size() >= 2, ValueError, "pca: expected at least 2 points, got {}", points.size());
  const std::size_t p = points.front().size();
  NNLAB_CHECK(p >= 1, ValueError, "pca: expected points of at least 1 dimension, got 0");
  for (std::size_t i = 1; i < points.size(); ++i) {
    NNLAB_CHECK(points[i].size() == p, ShapeError,
                "pca: expected every point to have {} values like point 0, got {} "
                "in point {}",
                p, points[i].size(), i);
  }
  const auto limit = static_cast<std::int64_t>(std::min(points.size(), p));
  NNLAB_CHECK(options.components >= 1 && options.components <= limit, ValueError,
              "pca: expected components in [1, min(N, P)] = [1, {}], got {}", limit, options.components);
}

}  // namespace

PcaResult pca(const Points& points, const PcaOptions& options) {
  check_points(points, options);
  const std::size_t n = points.size();
  const std::size_t p = points.front().size();
  const auto k = static_cast<std::size_t>(options.components);
  const std::vector<double> mean = column_means(points, p);
  std::vector<Component> components = p > n ? gram_components(points, mean, k, options.keep_directions)
                                            : scatter_components(points, mean, k, options.keep_directions);
  const double degrees_of_freedom = static_cast<double>(n - 1);  // sample variance, as sklearn
  PcaResult result;
  result.points = static_cast<std::int64_t>(n);
  result.dimensions = static_cast<std::int64_t>(p);
  result.components = options.components;
  result.coordinates.assign(n * k, 0.0);
  result.total_variance = total_sum_of_squares(points, mean) / degrees_of_freedom;
  for (std::size_t c = 0; c < k; ++c) {
    Component& component = components[c];
    fix_sign(component);
    for (std::size_t i = 0; i < n; ++i) result.coordinates[i * k + c] = component.coordinates[i];
    const double variance = component.eigenvalue / degrees_of_freedom;
    result.explained_variance.push_back(variance);
    result.explained_variance_ratio.push_back(result.total_variance > 0.0 ? variance / result.total_variance : 0.0);
    if (options.keep_directions) result.directions.push_back(std::move(component.direction));
  }
  return result;
}

std::vector<float> flatten_named_tensors(const std::vector<nn::NamedTensor>& tensors) {
  std::vector<const nn::NamedTensor*> sorted;
  std::size_t total = 0;
  for (const nn::NamedTensor& named : tensors) {
    sorted.push_back(&named);
    total += static_cast<std::size_t>(named.second.numel());
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  std::vector<float> flat;
  flat.reserve(total);
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    NNLAB_CHECK(i == 0 || sorted[i]->first != sorted[i - 1]->first, ValueError,
                "flatten_named_tensors: expected distinct names, got '{}' twice", sorted[i]->first);
    const std::vector<float> values = sorted[i]->second.to_vector<float>();
    flat.insert(flat.end(), values.begin(), values.end());
  }
  return flat;
}

}  // namespace nnlab::analysis
