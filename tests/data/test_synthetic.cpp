#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/data/synthetic.h"
#include "testing/asserts.h"

namespace nnlab::data {

namespace {

std::vector<std::int64_t> class_counts(const Dataset& d) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(d.num_classes), 0);
  for (std::int64_t label : d.targets.to_vector<std::int64_t>()) ++counts[static_cast<std::size_t>(label)];
  return counts;
}

void expect_same(const Dataset& a, const Dataset& b) {
  expect_equal(a.inputs, b.inputs);
  EXPECT_EQ(a.targets.to_vector<double>(), b.targets.to_vector<double>());
}

bool inputs_differ(const Dataset& a, const Dataset& b) {
  return a.inputs.to_vector<float>() != b.inputs.to_vector<float>();
}

// One row per generator: name, and a maker from (n, seed).
struct Generator {
  const char* name;
  Dataset (*make)(std::int64_t n, std::uint64_t seed);
  std::int64_t classes;
  std::int64_t dims;
};

const Generator kGenerators[] = {
    {"map_clusters", [](std::int64_t n, std::uint64_t s) { return map_clusters(n, s); }, 10, 2},
    {"spirals", [](std::int64_t n, std::uint64_t s) { return spirals(n, s, 3, 0.05); }, 3, 2},
    {"moons", [](std::int64_t n, std::uint64_t s) { return moons(n, s, 0.1); }, 2, 2},
    {"circles", [](std::int64_t n, std::uint64_t s) { return circles(n, s, 0.1); }, 2, 2},
    {"xor_points", [](std::int64_t n, std::uint64_t s) { return xor_points(n, s, 0.1); }, 2, 2},
    {"blobs", [](std::int64_t n, std::uint64_t s) { return blobs(n, s, 4, 5); }, 4, 5},
};

}  // namespace

TEST(Synthetic, ShapesBalanceAndDeterminism) {
  for (const Generator& g : kGenerators) {
    SCOPED_TRACE(g.name);
    const Dataset a = g.make(101, 7);
    EXPECT_EQ(a.inputs.shape(), Shape({101, g.dims}));
    EXPECT_EQ(a.inputs.dtype(), DType::f32);
    EXPECT_EQ(a.targets.shape(), Shape({101}));
    EXPECT_EQ(a.task, Task::classification);
    EXPECT_EQ(a.num_classes, g.classes);
    EXPECT_EQ(a.name, g.name);
    EXPECT_NO_THROW(validate(a));
    for (std::int64_t count : class_counts(a)) {
      EXPECT_GE(count, 101 / g.classes);
      EXPECT_LE(count, 101 / g.classes + 1);
    }
    expect_same(a, g.make(101, 7));
    EXPECT_TRUE(inputs_differ(a, g.make(101, 8)));
  }
}

TEST(Synthetic, MoonsWithoutNoiseLieOnTheirHalfCircles) {
  const Dataset d = moons(40, 1);
  const std::vector<float> x = d.inputs.to_vector<float>();
  const std::vector<std::int64_t> y = d.targets.to_vector<std::int64_t>();
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double cx = y[i] == 0 ? 0.0 : 1.0;
    const double cy = y[i] == 0 ? 0.0 : 0.5;
    EXPECT_NEAR(std::hypot(x[2 * i] - cx, x[2 * i + 1] - cy), 1.0, 1e-5);
  }
}

TEST(Synthetic, CirclesWithoutNoiseHaveTheirRadii) {
  const Dataset d = circles(30, 1, 0.0, 0.3);
  const std::vector<float> x = d.inputs.to_vector<float>();
  const std::vector<std::int64_t> y = d.targets.to_vector<std::int64_t>();
  for (std::size_t i = 0; i < y.size(); ++i) {
    EXPECT_NEAR(std::hypot(x[2 * i], x[2 * i + 1]), y[i] == 0 ? 1.0 : 0.3, 1e-5);
  }
}

TEST(Synthetic, XorLabelsFollowTheSigns) {
  const Dataset d = xor_points(200, 3);
  const std::vector<float> x = d.inputs.to_vector<float>();
  const std::vector<std::int64_t> y = d.targets.to_vector<std::int64_t>();
  for (std::size_t i = 0; i < y.size(); ++i) {
    EXPECT_EQ(y[i], (x[2 * i] > 0) != (x[2 * i + 1] > 0) ? 1 : 0) << "example " << i;
  }
}

TEST(Synthetic, Sinc5PiValues) {
  EXPECT_EQ(sinc5pi(0.0), 1.0);
  EXPECT_NEAR(sinc5pi(0.2), 0.0, 1e-15);  // sin(pi) / pi
  EXPECT_NEAR(sinc5pi(0.1), 1.0 / (0.5 * M_PI), 1e-15);
  EXPECT_NEAR(named_function("sinc")(0.1), sinc5pi(0.1), 0.0);
  EXPECT_NEAR(named_function("sin")(0.5), 1.0, 1e-15);
  EXPECT_EQ(named_function("square")(-3.0), 9.0);
}

TEST(Synthetic, FunctionRegressionEvenGrid) {
  const Dataset d = function_regression(5, 0);  // x = -2, -1, 0, 1, 2
  EXPECT_EQ(d.task, Task::regression);
  EXPECT_EQ(d.inputs.shape(), Shape({5, 1}));
  EXPECT_EQ(d.targets.shape(), Shape({5, 1}));
  expect_equal(d.inputs, Tensor::from_vector<float>({-2, -1, 0, 1, 2}, {5, 1}));
  const std::vector<float> y = d.targets.to_vector<float>();
  EXPECT_EQ(y[2], 1.0f);  // sinc(0) = 1
  for (int i : {0, 1, 3, 4}) EXPECT_NEAR(y[static_cast<std::size_t>(i)], 0.0, 1e-7);
}

TEST(Synthetic, FunctionRegressionUniformIsSeeded) {
  const Dataset a = function_regression(50, 4, -1.0, 3.0, named_function("square"), XSampling::uniform);
  expect_same(a, function_regression(50, 4, -1.0, 3.0, named_function("square"), XSampling::uniform));
  EXPECT_TRUE(inputs_differ(a, function_regression(50, 5, -1.0, 3.0, named_function("square"), XSampling::uniform)));
  const std::vector<float> x = a.inputs.to_vector<float>();
  const std::vector<float> y = a.targets.to_vector<float>();
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_GE(x[i], -1.0f);
    EXPECT_LE(x[i], 3.0f);
    EXPECT_NEAR(y[i], static_cast<double>(x[i]) * x[i], 1e-5);
  }
}

TEST(Synthetic, RandomLabelsAreSeededUniformAndKeepInputs) {
  const Dataset base = blobs(3000, 1, 3);
  const Dataset a = random_labels(base, 11);
  EXPECT_TRUE(a.inputs.same_storage(base.inputs));
  EXPECT_EQ(a.targets.to_vector<std::int64_t>(), random_labels(base, 11).targets.to_vector<std::int64_t>());
  EXPECT_NE(a.targets.to_vector<std::int64_t>(), random_labels(base, 12).targets.to_vector<std::int64_t>());
  EXPECT_NE(a.targets.to_vector<std::int64_t>(), base.targets.to_vector<std::int64_t>());
  for (std::int64_t count : class_counts(a)) {  // 1000 expected; 6 sigma is about 155
    EXPECT_GT(count, 850);
    EXPECT_LT(count, 1150);
  }
  EXPECT_NO_THROW(validate(a));
}

TEST(Synthetic, BadArgumentsAreNamed) {
  expect_throw_with<ValueError>([] { map_clusters(0, 1); }, "map_clusters: n must be at least 1, got 0");
  expect_throw_with<ValueError>([] { spirals(10, 1, 1); }, "spirals: classes must be at least 2, got 1");
  expect_throw_with<ValueError>([] { moons(10, 1, -0.5); }, "moons: noise must be finite and >= 0, got -0.5");
  expect_throw_with<ValueError>([] { circles(10, 1, 0.0, 1.5); }, "circles: factor must be in (0, 1), got 1.5");
  expect_throw_with<ValueError>([] { blobs(10, 1, 3, 0); }, "blobs: dims must be at least 1, got 0");
  expect_throw_with<ValueError>([] { function_regression(10, 1, 2.0, -2.0); },
                                "function_regression: a finite interval with low < high expected, got [2, -2]");
  expect_throw_with<ValueError>([] { named_function("cube"); }, "got \"cube\"");
  expect_throw_with<ValueError>([] { random_labels(function_regression(4, 0), 1); },
                                "random_labels: a classification dataset expected");
}

}  // namespace nnlab::data
