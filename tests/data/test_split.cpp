#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/data/split.h"
#include "testing/asserts.h"

namespace nnlab::data {

namespace {

// n examples whose single feature is the example's index, so rows can be traced.
Dataset indexed(std::int64_t n) {
  std::vector<float> x(static_cast<std::size_t>(n));
  std::vector<std::int64_t> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    x[static_cast<std::size_t>(i)] = static_cast<float>(i);
    y[static_cast<std::size_t>(i)] = i % 3;
  }
  Dataset d;
  d.inputs = Tensor::from_vector<float>(x, {n, 1});
  d.targets = Tensor::from_vector<std::int64_t>(y, {n});
  d.num_classes = 3;
  d.name = "indexed";
  return d;
}

std::vector<std::int64_t> rows_of(const Dataset& d) {
  std::vector<std::int64_t> rows;
  for (float v : d.inputs.to_vector<float>()) rows.push_back(static_cast<std::int64_t>(v));
  return rows;
}

}  // namespace

TEST(Split, CountsGiveDisjointShuffledParts) {
  const Splits s = split(indexed(100), SplitCounts{70, 20, 10}, 5);
  EXPECT_EQ(s.train.size(), 70);
  EXPECT_EQ(s.val.size(), 20);
  EXPECT_EQ(s.test.size(), 10);
  EXPECT_EQ(s.train.name, "indexed/train");
  EXPECT_EQ(s.test.name, "indexed/test");
  std::set<std::int64_t> seen;
  for (const Dataset* part : {&s.train, &s.val, &s.test}) {
    const std::vector<std::int64_t> rows = rows_of(*part);
    const std::vector<std::int64_t> labels = part->targets.to_vector<std::int64_t>();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_TRUE(seen.insert(rows[i]).second) << "row " << rows[i] << " is in two parts";
      EXPECT_EQ(labels[i], rows[i] % 3);  // targets move with their inputs
    }
  }
  EXPECT_EQ(seen.size(), 100u);
  std::vector<std::int64_t> train = rows_of(s.train);
  EXPECT_FALSE(std::is_sorted(train.begin(), train.end()));
}

TEST(Split, SeedDecidesTheShuffle) {
  const Dataset d = indexed(50);
  EXPECT_EQ(rows_of(split(d, SplitCounts{30, 10, 10}, 1).val), rows_of(split(d, SplitCounts{30, 10, 10}, 1).val));
  EXPECT_NE(rows_of(split(d, SplitCounts{30, 10, 10}, 1).val), rows_of(split(d, SplitCounts{30, 10, 10}, 2).val));
}

TEST(Split, FractionsRoundValAndTestAndGiveTrainTheRest) {
  const Splits s = split(indexed(101), SplitFractions{0.8, 0.1, 0.1}, 0);
  EXPECT_EQ(s.val.size(), 10);
  EXPECT_EQ(s.test.size(), 10);
  EXPECT_EQ(s.train.size(), 81);
  const Splits partial = split(indexed(100), SplitFractions{0.5, 0.2, 0.0}, 0);
  EXPECT_EQ(partial.train.size(), 50);
  EXPECT_EQ(partial.val.size(), 20);
  EXPECT_EQ(partial.test.size(), 0);
}

TEST(Split, BadSizesAreConfigErrors) {
  expect_throw_with<ConfigError>(
      [] {
        split(indexed(10), SplitCounts{8, 2, 1}, 0);
      },
      "split: train + val + test must be at most the 10 examples of indexed, got 8 + 2 + 1 = 11");
  expect_throw_with<ConfigError>([] { split(indexed(10), SplitCounts{-1, 2, 1}, 0); }, "got train -1, val 2, test 1");
  expect_throw_with<ConfigError>(
      [] {
        split(indexed(10), SplitFractions{0.8, 0.2, 0.2}, 0);
      },
      "split: fractions >= 0 summing to at most 1 expected, got train 0.8, val 0.2, test 0.2");
}

TEST(Normalization, PerFeatureGivesMeanZeroStdOne) {
  Dataset d;
  d.inputs = Tensor::from({{1, 10, 5}, {3, 20, 5}, {5, 60, 5}});
  d.targets = Tensor::from_vector<std::int64_t>({0, 1, 0}, {3});
  d.num_classes = 2;
  const Normalization norm = compute_normalization(d, false);
  ASSERT_EQ(norm.mean.size(), 3u);
  EXPECT_DOUBLE_EQ(norm.mean[0], 3.0);
  EXPECT_DOUBLE_EQ(norm.mean[1], 30.0);
  EXPECT_NEAR(norm.std[0], std::sqrt(8.0 / 3.0), 1e-12);
  EXPECT_EQ(norm.std[2], 1.0);  // constant feature
  const Dataset out = normalize(d, norm);
  const Normalization after = compute_normalization(out, false);
  for (std::size_t f = 0; f < 2; ++f) {
    EXPECT_NEAR(after.mean[f], 0.0, 1e-6);
    EXPECT_NEAR(after.std[f], 1.0, 1e-6);
  }
  EXPECT_NEAR(after.mean[2], 0.0, 1e-12);
  expect_equal(d.inputs, Tensor::from({{1, 10, 5}, {3, 20, 5}, {5, 60, 5}}));  // input untouched
}

TEST(Normalization, PerChannelOnImages) {
  Dataset d;
  // (N=2, C=2, H=1, W=2): channel 0 holds 0, 2, 4, 6; channel 1 holds 100 + the same
  d.inputs = Tensor::from_vector<double>({0, 2, 100, 102, 4, 6, 104, 106}, {2, 2, 1, 2});
  d.targets = Tensor::from_vector<std::int64_t>({0, 1}, {2});
  d.num_classes = 2;
  const Normalization norm = compute_normalization(d, true);
  ASSERT_EQ(norm.mean.size(), 2u);
  EXPECT_DOUBLE_EQ(norm.mean[0], 3.0);
  EXPECT_DOUBLE_EQ(norm.mean[1], 103.0);
  EXPECT_DOUBLE_EQ(norm.std[1], std::sqrt(5.0));
  const Dataset out = normalize(d, norm);
  EXPECT_EQ(out.inputs.dtype(), DType::f64);
  const Normalization after = compute_normalization(out, true);
  for (std::size_t c = 0; c < 2; ++c) {
    EXPECT_NEAR(after.mean[c], 0.0, 1e-12);
    EXPECT_NEAR(after.std[c], 1.0, 1e-12);
  }
}

TEST(Normalization, MismatchedSizesAreNamed) {
  Dataset d;
  d.inputs = Tensor::from({{1, 2}, {3, 4}});
  d.targets = Tensor::from_vector<std::int64_t>({0, 1}, {2});
  d.num_classes = 2;
  Normalization norm;
  norm.mean = {0, 0, 0};
  norm.std = {1, 1, 1};
  expect_throw_with<ShapeError>([&] { normalize(d, norm); },
                                "normalize: 2 features expected for inputs [2, 2], got 3 means and 3 stds");
  d.inputs = Tensor::zeros({0, 2});
  d.targets = Tensor::zeros({0}, DType::i64);
  expect_throw_with<ValueError>([&] { compute_normalization(d, false); },
                                "compute_normalization: a non-empty dataset expected, got 0 examples");
}

TEST(OneHot, ValuesAndErrors) {
  expect_equal(one_hot(Tensor::from_vector<std::int64_t>({2, 0}, {2}), 3), Tensor::from({{0, 0, 1}, {1, 0, 0}}));
  expect_throw_with<ValueError>(
      [] {
        one_hot(Tensor::from_vector<std::int64_t>({0, 3}, {2}), 3);
      },
      "one_hot: targets in [0, 3) expected, got 3 at index 1");
}

}  // namespace nnlab::data
