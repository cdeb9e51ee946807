#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"

namespace nnlab {

TEST(Rng, SameSeedSameNumbers) {
  Rng a(42), b(42), c(43);
  std::vector<float> x(100), y(100), z(100);
  a.fill_uniform(std::span<float>(x), 0.0, 1.0);
  b.fill_uniform(std::span<float>(y), 0.0, 1.0);
  c.fill_uniform(std::span<float>(z), 0.0, 1.0);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
}

TEST(Rng, NumbersDoNotDependOnThreadCount) {
  const int saved = num_threads();
  std::vector<double> one(100000), many(100000);
  set_num_threads(1);
  Rng(7).fill_normal(std::span<double>(one), 0.0, 1.0);
  set_num_threads(4);
  Rng(7).fill_normal(std::span<double>(many), 0.0, 1.0);
  set_num_threads(saved);
  EXPECT_EQ(one, many);
}

TEST(Rng, UniformStaysInRangeWithRightMean) {
  std::vector<double> x(200000);
  Rng(1).fill_uniform(std::span<double>(x), -2.0, 3.0);
  double sum = 0;
  for (double v : x) {
    ASSERT_GE(v, -2.0);
    ASSERT_LT(v, 3.0);
    sum += v;
  }
  EXPECT_NEAR(sum / x.size(), 0.5, 0.02);
}

TEST(Rng, NormalHasRightMoments) {
  std::vector<double> x(200000);
  Rng(2).fill_normal(std::span<double>(x), 1.0, 2.0);
  double mean = 0, var = 0;
  for (double v : x) mean += v;
  mean /= x.size();
  for (double v : x) var += (v - mean) * (v - mean);
  var /= x.size();
  EXPECT_NEAR(mean, 1.0, 0.02);
  EXPECT_NEAR(std::sqrt(var), 2.0, 0.02);
}

TEST(Rng, BernoulliRate) {
  std::vector<float> x(100000);
  Rng(3).fill_bernoulli(std::span<float>(x), 0.3);
  double ones = 0;
  for (float v : x) ones += v;
  EXPECT_NEAR(ones / x.size(), 0.3, 0.01);
}

TEST(Rng, PermutationHasEveryIndexOnce) {
  Rng rng(5);
  const auto p = rng.permutation(1000);
  EXPECT_EQ(std::set<std::int64_t>(p.begin(), p.end()).size(), 1000u);
  EXPECT_NE(p, rng.permutation(1000));  // the stream moved on
}

TEST(Rng, PermutationsAreUniform) {
  // All 6 orders of 3 elements, 60,000 shuffles: each within 5 sigma (sigma ~ 91) of 10,000.
  Rng rng(11);
  std::map<std::vector<std::int64_t>, int> seen;
  for (int i = 0; i < 60000; ++i) ++seen[rng.permutation(3)];
  ASSERT_EQ(seen.size(), 6u);
  for (const auto& [order, count] : seen) EXPECT_NEAR(count, 10000, 455) << order[0] << order[1] << order[2];
  // Where element 0 of 10 lands, 100,000 shuffles: each place within 5 sigma (~95) of 10,000.
  std::vector<int> place(10);
  for (int i = 0; i < 100000; ++i) {
    const auto p = rng.permutation(10);
    ++place[std::find(p.begin(), p.end(), 0) - p.begin()];
  }
  for (int k = 0; k < 10; ++k) EXPECT_NEAR(place[k], 10000, 475) << "place " << k;
}

TEST(Rng, OffsetRestoresTheStream) {
  Rng rng(9);
  rng.uniform();
  const auto offset = rng.offset();
  const double next = rng.uniform();
  rng.set_offset(offset);
  EXPECT_EQ(rng.uniform(), next);
}

}  // namespace nnlab

namespace nnlab {

TEST(Rng, ManualSeedResetsTheGlobalGenerator) {
  manual_seed(123);
  const double first = global_rng().uniform();
  manual_seed(123);
  EXPECT_EQ(global_rng().uniform(), first);
}

}  // namespace nnlab
