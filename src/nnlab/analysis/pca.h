#pragma once
// Principal component analysis of a few hundred points in up to tens of millions of
// dimensions (E10: snapshots of all of a model's weights projected to 2-D). When P > N it
// diagonalises the N x N Gram matrix of the centred points instead of the P x P covariance,
// so memory stays N² + P doubles beside the data. Eigen-decompositions by LAPACKE_dsyevd.
#include <cstdint>
#include <vector>

#include "nnlab/nn/module.h"

namespace nnlab::analysis {

struct PcaOptions {
  std::int64_t components = 2;   // k, at most min(N, P)
  bool keep_directions = false;  // also return the k unit directions (k x P doubles: large for big models)
};

struct PcaResult {
  std::int64_t points = 0;      // N
  std::int64_t dimensions = 0;  // P
  std::int64_t components = 0;  // k
  // (N, k) row-major: point i's coordinate along component c, (x_i - mean) · direction_c.
  std::vector<double> coordinates;
  // (k), decreasing: the sample variance along each component (eigenvalue / (N - 1), as
  // sklearn's PCA.explained_variance_), and its fraction of total_variance.
  std::vector<double> explained_variance;
  std::vector<double> explained_variance_ratio;
  double total_variance = 0.0;  // the sum of every dimension's sample variance
  // (k) unit vectors of P values, only when options.keep_directions.
  std::vector<std::vector<double>> directions;

  double coordinate(std::int64_t point, std::int64_t component) const {
    return coordinates[static_cast<std::size_t>(point * components + component)];
  }
};

// PCA of N points of P dims, points[i] being point i (every one P floats long). The points are
// centred on their mean; sums run in double. Each component's sign is fixed so that its
// largest-magnitude coordinate (the first, on ties) is positive: the same points give the same
// picture every time. A component beyond the points' rank has variance 0 and coordinates 0.
// Throws ValueError for N < 2, P < 1, components outside [1, min(N, P)], or a NaN/inf value;
// ShapeError naming the point whose length differs from the first's.
PcaResult pca(const std::vector<std::vector<float>>& points, const PcaOptions& options = {});

// Every element of the named tensors (a model's named_parameters() or state()) in one vector,
// tensor after tensor in ascending order of name (so a model and a checkpoint read back with
// keys in another order flatten alike), each in row-major order, converted to float.
// Throws ValueError for a repeated name.
std::vector<float> flatten_named_tensors(const std::vector<nn::NamedTensor>& tensors);

}  // namespace nnlab::analysis
