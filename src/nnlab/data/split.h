#pragma once
// Train / validation / test splits, feature normalisation fitted on a training set, and
// one-hot targets.
#include <cstdint>
#include <vector>

#include "nnlab/data/dataset.h"

namespace nnlab::data {

struct SplitFractions {
  double train = 0.8;
  double val = 0.1;
  double test = 0.1;
};

struct SplitCounts {
  std::int64_t train = 0;
  std::int64_t val = 0;
  std::int64_t test = 0;
};

struct Splits {
  Dataset train;
  Dataset val;
  Dataset test;
};

// Shuffles the examples with the seed, then cuts train, val and test off the front in that
// order; the three are disjoint and named "<name>/train" etc. Fractions must be >= 0 and sum
// to at most 1; val and test get round(fraction * N) examples and train gets the rest when the
// fractions sum to 1 (else round(train * N)). Counts must be >= 0 and sum to at most N. Throws
// ConfigError naming the values otherwise. A split may be empty.
Splits split(const Dataset& dataset, const SplitFractions& fractions, std::uint64_t seed);
Splits split(const Dataset& dataset, const SplitCounts& counts, std::uint64_t seed);

// Mean and standard deviation per feature (inputs (N, F...): one entry per element of a row)
// or per channel (inputs (N, C, ...): one entry per C, over N and the trailing dims).
struct Normalization {
  std::vector<double> mean;
  std::vector<double> std;
  bool per_channel = false;
};

// Fitted on `dataset` (normally the training split), population std (divides by the count).
// A constant feature gets std 1, so normalising it gives 0 rather than NaN.
// Throws ValueError for an empty dataset or per_channel on inputs of rank < 2.
Normalization compute_normalization(const Dataset& dataset, bool per_channel);

// A copy of the dataset with inputs (x - mean) / std, in the inputs' dtype. Throws ShapeError
// if the normalisation's size does not match the inputs' features or channels.
Dataset normalize(const Dataset& dataset, const Normalization& normalization);

// targets (N) int64 in [0, classes) -> (N, classes) float32 with a 1 at each target
// (torch.nn.functional.one_hot, but float). Throws ShapeError / DTypeError / ValueError.
Tensor one_hot(const Tensor& targets, std::int64_t classes);

}  // namespace nnlab::data
