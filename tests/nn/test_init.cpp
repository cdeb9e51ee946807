#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/check.h"
#include "nnlab/nn/init.h"
#include "testing/asserts.h"

namespace nnlab::nn {
namespace {

struct Moments {
  double mean, stddev, max_abs;
};

Moments moments(const Tensor& t) {
  const auto v = t.to_vector<double>();
  double mean = 0, var = 0, max_abs = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) {
    var += (x - mean) * (x - mean);
    max_abs = std::max(max_abs, std::abs(x));
  }
  return {mean, std::sqrt(var / static_cast<double>(v.size())), max_abs};
}

}  // namespace

TEST(Init, GainsMatchTorch) {
  EXPECT_DOUBLE_EQ(init::calculate_gain("relu"), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain("tanh"), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain("leaky_relu", 0.2), std::sqrt(2.0 / 1.04));
  EXPECT_DOUBLE_EQ(init::calculate_gain("sigmoid"), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain("quadratic"), 1.0);  // nnlab's own: slope 1 at 0, like linear
  expect_throw_with<ValueError>([] { init::calculate_gain("swish"); }, "unknown nonlinearity 'swish'");
}

TEST(Init, FansIncludeTheReceptiveField) {
  EXPECT_EQ(init::fans(Tensor::zeros({30, 784})), (std::pair<double, double>{784, 30}));
  EXPECT_EQ(init::fans(Tensor::zeros({16, 3, 3, 3})), (std::pair<double, double>{27, 144}));
  expect_throw_with<ShapeError>([] { init::fans(Tensor::zeros({5})); }, "rank >= 2, got shape [5]");
}

TEST(Init, XavierNormalHasTheRightSpread) {
  Rng rng(0);
  const Tensor w = Tensor::empty({300, 500});
  init::xavier_normal_(w, rng);
  const Moments m = moments(w);
  EXPECT_NEAR(m.mean, 0.0, 2e-3);
  EXPECT_NEAR(m.stddev, std::sqrt(2.0 / 800.0), 1e-3);
}

TEST(Init, XavierUniformStaysInItsBound) {
  Rng rng(1);
  const Tensor w = Tensor::empty({100, 200}, DType::f64);
  init::xavier_uniform_(w, rng, 2.0);
  const double bound = 2.0 * std::sqrt(6.0 / 300.0);
  const Moments m = moments(w);
  EXPECT_LE(m.max_abs, bound);
  EXPECT_NEAR(m.stddev, bound / std::sqrt(3.0), 3e-3);
}

TEST(Init, KaimingUniformDefaultIsTorchs) {
  Rng rng(2);
  const Tensor w = Tensor::empty({256, 512});
  init::kaiming_uniform_(w, rng, 0.0, init::FanMode::fan_in, "relu");
  const double bound = std::sqrt(2.0) * std::sqrt(3.0 / 512.0);
  const Moments m = moments(w);
  EXPECT_LE(m.max_abs, bound);
  EXPECT_GT(m.max_abs, 0.99 * bound);
}

TEST(Init, KaimingNormalFanOut) {
  Rng rng(3);
  const Tensor w = Tensor::empty({400, 100});
  init::kaiming_normal_(w, rng, 0.0, init::FanMode::fan_out, "relu");
  EXPECT_NEAR(moments(w).stddev, std::sqrt(2.0 / 400.0), 1.5e-3);
}

TEST(Init, ConstantsAndSeeds) {
  const Tensor w = Tensor::empty({3});
  init::constant_(w, 0.5);
  expect_equal(w, Tensor::from({0.5, 0.5, 0.5}));
  Rng a(9), b(9);
  const Tensor x = Tensor::empty({4}), y = Tensor::empty({4});
  init::normal_(x, 0, 1, a);
  init::normal_(y, 0, 1, b);
  expect_equal(x, y);
}

}  // namespace nnlab::nn
