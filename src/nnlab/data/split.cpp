#include "nnlab/data/split.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnlab/core/check.h"
#include "nnlab/core/rng.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::data {

namespace {

Dataset take_rows(const Dataset& dataset, const std::vector<std::int64_t>& order, std::int64_t begin,
                  std::int64_t count, const char* part) {
  const std::vector<std::int64_t> rows(order.begin() + begin, order.begin() + begin + count);
  Dataset out = subset(dataset, Tensor::from_vector<std::int64_t>(rows, {count}));
  out.name = (dataset.name.empty() ? std::string("dataset") : dataset.name) + "/" + part;
  return out;
}

// Layout of the statistics: element i of a contiguous (N, ...) tensor belongs to group
// (i / inner) % groups.
struct Groups {
  std::int64_t groups;
  std::int64_t inner;
};

Groups groups_of(const Tensor& inputs, bool per_channel) {
  const std::int64_t n = inputs.size(0);
  const std::int64_t row = n == 0 ? 0 : inputs.numel() / n;
  if (!per_channel) return {row, 1};
  const std::int64_t channels = inputs.size(1);
  return {channels, channels == 0 ? 0 : row / channels};
}

template <typename T>
void accumulate_stats(const Tensor& x, Groups g, Normalization& out) {
  const T* p = x.data<T>();
  const std::int64_t total = x.numel();
  const double count = static_cast<double>(total / g.groups);
  std::vector<double> sum(static_cast<std::size_t>(g.groups), 0.0);
  for (std::int64_t i = 0; i < total; ++i) sum[static_cast<std::size_t>((i / g.inner) % g.groups)] += p[i];
  for (std::int64_t c = 0; c < g.groups; ++c)
    out.mean[static_cast<std::size_t>(c)] = sum[static_cast<std::size_t>(c)] / count;
  // second pass about the mean: the one-pass E[x^2] - E[x]^2 cancels badly for large means
  std::vector<double> square(static_cast<std::size_t>(g.groups), 0.0);
  for (std::int64_t i = 0; i < total; ++i) {
    const auto c = static_cast<std::size_t>((i / g.inner) % g.groups);
    const double d = static_cast<double>(p[i]) - out.mean[c];
    square[c] += d * d;
  }
  for (std::size_t c = 0; c < square.size(); ++c) {
    const double sd = std::sqrt(square[c] / count);
    out.std[c] = sd > 0.0 ? sd : 1.0;
  }
}

template <typename T>
void apply_stats(const Tensor& x, Groups g, const Normalization& norm) {
  T* p = x.data<T>();
  for (std::int64_t i = 0; i < x.numel(); ++i) {
    const auto c = static_cast<std::size_t>((i / g.inner) % g.groups);
    p[i] = static_cast<T>((static_cast<double>(p[i]) - norm.mean[c]) / norm.std[c]);
  }
}

}  // namespace

Splits split(const Dataset& dataset, const SplitCounts& counts, std::uint64_t seed) {
  const std::int64_t n = dataset.size();
  NNLAB_CHECK(counts.train >= 0 && counts.val >= 0 && counts.test >= 0, ConfigError,
              "split: counts must be >= 0, got train {}, val {}, test {}", counts.train, counts.val, counts.test);
  const std::int64_t total = counts.train + counts.val + counts.test;
  NNLAB_CHECK(total <= n, ConfigError,
              "split: train + val + test must be at most the {} examples of {}, got {} + {} + {} = {}", n,
              dataset.name.empty() ? std::string("the dataset") : dataset.name, counts.train, counts.val, counts.test,
              total);
  Rng rng(seed);
  const std::vector<std::int64_t> order = rng.permutation(n);
  Splits out;
  out.train = take_rows(dataset, order, 0, counts.train, "train");
  out.val = take_rows(dataset, order, counts.train, counts.val, "val");
  out.test = take_rows(dataset, order, counts.train + counts.val, counts.test, "test");
  return out;
}

Splits split(const Dataset& dataset, const SplitFractions& fractions, std::uint64_t seed) {
  const double sum = fractions.train + fractions.val + fractions.test;
  NNLAB_CHECK(fractions.train >= 0 && fractions.val >= 0 && fractions.test >= 0 && sum <= 1.0 + 1e-9, ConfigError,
              "split: fractions >= 0 summing to at most 1 expected, got train {}, val {}, test {}", fractions.train,
              fractions.val, fractions.test);
  const auto n = static_cast<double>(dataset.size());
  SplitCounts counts;
  counts.val = std::llround(fractions.val * n);
  // rounding val and test both up can overshoot N by one example: test gives it back
  counts.test = std::min<std::int64_t>(std::llround(fractions.test * n), dataset.size() - counts.val);
  counts.train = std::abs(sum - 1.0) <= 1e-9 ? dataset.size() - counts.val - counts.test
                                             : std::min<std::int64_t>(std::llround(fractions.train * n),
                                                                      dataset.size() - counts.val - counts.test);
  return split(dataset, counts, seed);
}

Normalization compute_normalization(const Dataset& dataset, bool per_channel) {
  check_defined(dataset.inputs, "compute_normalization");
  check_floating(dataset.inputs, "compute_normalization");
  NNLAB_CHECK(dataset.size() > 0, ValueError, "compute_normalization: a non-empty dataset expected, got 0 examples");
  NNLAB_CHECK(!per_channel || dataset.inputs.dim() >= 2, ValueError,
              "compute_normalization: per-channel statistics need inputs (N, C, ...), got {}", dataset.inputs.shape());
  const Tensor x = contiguous(dataset.inputs);
  const Groups g = groups_of(x, per_channel);
  NNLAB_CHECK(g.groups > 0 && g.inner > 0, ValueError,
              "compute_normalization: inputs with at least one value per row expected, got {}", x.shape());
  Normalization out;
  out.per_channel = per_channel;
  out.mean.assign(static_cast<std::size_t>(g.groups), 0.0);
  out.std.assign(static_cast<std::size_t>(g.groups), 1.0);
  if (x.dtype() == DType::f64) {
    accumulate_stats<double>(x, g, out);
  } else {
    accumulate_stats<float>(x, g, out);
  }
  return out;
}

Dataset normalize(const Dataset& dataset, const Normalization& normalization) {
  check_defined(dataset.inputs, "normalize");
  check_floating(dataset.inputs, "normalize");
  NNLAB_CHECK(!normalization.per_channel || dataset.inputs.dim() >= 2, ShapeError,
              "normalize: per-channel statistics need inputs (N, C, ...), got {}", dataset.inputs.shape());
  Dataset out = dataset;
  out.inputs = clone(dataset.inputs);
  if (dataset.size() == 0) return out;
  const Groups g = groups_of(out.inputs, normalization.per_channel);
  NNLAB_CHECK(normalization.mean.size() == static_cast<std::size_t>(g.groups) &&
                  normalization.std.size() == normalization.mean.size(),
              ShapeError, "normalize: {} {} expected for inputs {}, got {} means and {} stds", g.groups,
              normalization.per_channel ? "channels" : "features", dataset.inputs.shape(), normalization.mean.size(),
              normalization.std.size());
  for (double s : normalization.std) {
    NNLAB_CHECK(s > 0.0, ValueError, "normalize: every std must be positive, got {}", s);
  }
  if (out.inputs.dtype() == DType::f64) {
    apply_stats<double>(out.inputs, g, normalization);
  } else {
    apply_stats<float>(out.inputs, g, normalization);
  }
  return out;
}

Tensor one_hot(const Tensor& targets, std::int64_t classes) {
  check_defined(targets, "one_hot");
  check_rank(targets, 1, "one_hot");
  check_dtype(targets, DType::i64, "one_hot");
  NNLAB_CHECK(classes >= 1, ValueError, "one_hot: classes must be at least 1, got {}", classes);
  const std::vector<std::int64_t> labels = targets.to_vector<std::int64_t>();
  const auto n = static_cast<std::int64_t>(labels.size());
  Tensor out = Tensor::zeros({n, classes});
  float* p = out.data<float>();
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t label = labels[static_cast<std::size_t>(i)];
    NNLAB_CHECK(label >= 0 && label < classes, ValueError, "one_hot: targets in [0, {}) expected, got {} at index {}",
                classes, label, i);
    p[i * classes + label] = 1.0f;
  }
  return out;
}

}  // namespace nnlab::data
