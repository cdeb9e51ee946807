#pragma once
// Synthetic datasets for the small experiments: 2-D classification toys (E6's "map" of
// clusters, spirals, moons, circles, xor, blobs), 1-D function regression (E8) and random
// labels (E11). Every generator takes an explicit seed: the same seed gives the same dataset.
#include <cstdint>
#include <functional>
#include <string>

#include "nnlab/data/dataset.h"

namespace nnlab::data {

// Class generators label example i with class i % classes, so classes are balanced to within
// one example. Inputs are float32 (N, 2) unless stated; targets are int64 (N). n must be
// positive and classes at least 2, else ValueError naming the generator and the value.

// E6's default "map": `classes` Gaussian clusters (stddev 0.15) around centres drawn uniformly
// from [-1, 1]^2 with the seed.
Dataset map_clusters(std::int64_t n, std::uint64_t seed, std::int64_t classes = 10);

// Interleaved spiral arms (one per class) from the origin out to radius 1, plus N(0, noise^2)
// on each coordinate.
Dataset spirals(std::int64_t n, std::uint64_t seed, std::int64_t classes = 2, double noise = 0.0);

// sklearn.datasets.make_moons: two interleaved half circles, plus N(0, noise^2).
Dataset moons(std::int64_t n, std::uint64_t seed, double noise = 0.0);

// sklearn.datasets.make_circles: class 0 on the unit circle, class 1 on a circle of radius
// `factor` (in (0, 1)), plus N(0, noise^2).
Dataset circles(std::int64_t n, std::uint64_t seed, double noise = 0.0, double factor = 0.5);

// Points uniform in the four quadrants of [-1, 1]^2; class 1 where exactly one coordinate is
// positive. Noise N(0, noise^2) is added after labelling.
Dataset xor_points(std::int64_t n, std::uint64_t seed, double noise = 0.0);

// sklearn.datasets.make_blobs: inputs (N, dims), one isotropic Gaussian per class around a
// centre drawn uniformly from [-10, 10]^dims.
Dataset blobs(std::int64_t n, std::uint64_t seed, std::int64_t classes = 3, std::int64_t dims = 2, double stddev = 1.0);

// --- regression ---

using ScalarFunction = std::function<double(double)>;

// sin(5 pi x) / (5 pi x), and 1 at x = 0 (its limit): E8's target.
double sinc5pi(double x);

// The registry of named targets: "sinc" (sinc5pi), "sin" (sin(pi x)), "square" (x^2).
// Throws ValueError listing the known names for any other name.
ScalarFunction named_function(const std::string& name);

enum class XSampling { even, uniform };

// A 1-D regression dataset: inputs (N, 1) and targets (N, 1) float32 with y = fn(x) and x in
// [low, high]: evenly spaced including both ends (even, the seed is then unused) or drawn
// uniformly in [low, high). Task is regression. Throws ValueError if n < 1 or low >= high.
Dataset function_regression(std::int64_t n, std::uint64_t seed, double low = -2.0, double high = 2.0,
                            const ScalarFunction& fn = sinc5pi, XSampling sampling = XSampling::even);

// E11: a copy of a classification dataset whose every label is replaced by a class drawn
// uniformly from [0, num_classes) with the seed; inputs are shared, not copied. Throws
// ValueError for a regression dataset.
Dataset random_labels(const Dataset& dataset, std::uint64_t seed);

}  // namespace nnlab::data
