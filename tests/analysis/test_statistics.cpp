// Student's t and sample summaries against published t-table values, the closed forms for
// df = 1 (Cauchy) and df = 2, the normal limit, and summaries worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "nnlab/analysis/statistics.h"
#include "nnlab/core/error.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPi = std::numbers::pi;

// |actual - expected| <= rtol * |expected|, with the inputs named in the failure message.
void expect_relative(double actual, double expected, double rtol, const char* what, double p, double df) {
  EXPECT_NEAR(actual, expected, rtol * std::fabs(expected)) << what << " at " << p << ", df = " << df;
}

TEST(StudentT, QuantileMatchesPublishedTable) {
  struct Row {
    double p, df, t;
  };
  // Two-sided 95 % (p = 0.975) and 99 % (p = 0.995) critical values, to 12 digits.
  const std::vector<Row> table = {
      {0.975, 1, 12.7062047362},    {0.975, 2, 4.30265272975},  {0.975, 3, 3.18244630528},
      {0.975, 5, 2.57058183564},    {0.975, 10, 2.22813885196}, {0.975, 30, 2.04227245630},
      {0.975, 1000, 1.96233908082}, {0.995, 4, 4.60409487142},  {0.975, kInf, 1.95996398454},
  };
  for (const Row& row : table) {
    expect_relative(student_t_quantile(row.p, row.df), row.t, 1e-10, "quantile", row.p, row.df);
    expect_relative(student_t_quantile(1.0 - row.p, row.df), -row.t, 1e-10, "quantile", 1.0 - row.p, row.df);
    expect_relative(student_t_cdf(row.t, row.df), row.p, 1e-11, "cdf", row.t, row.df);
  }
}

TEST(StudentT, OneDegreeIsCauchy) {
  // cdf = 1/2 + atan(t) / pi, written as atan(1 / |t|) / pi in the lower tail to keep its digits.
  for (const double t : {-1e6, -50.0, -3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.0, 1e3}) {
    const double expected = t < 0.0 ? std::atan(-1.0 / t) / kPi : 0.5 + std::atan(t) / kPi;
    expect_relative(student_t_cdf(t, 1.0), expected, 1e-12, "cdf", t, 1.0);
  }
  // quantile = tan(pi (p - 1/2)) = -1 / tan(pi p) below 1/2.
  for (const double p : {1e-300, 1e-12, 0.001, 0.1, 0.3, 0.6, 0.9, 0.999}) {
    const double expected = p < 0.5 ? -1.0 / std::tan(kPi * p) : 1.0 / std::tan(kPi * (1.0 - p));
    expect_relative(student_t_quantile(p, 1.0), expected, 1e-12, "quantile", p, 1.0);
  }
}

TEST(StudentT, TwoDegreesMatchClosedForm) {
  for (const double t : {-30.0, -2.0, -0.3, 0.0, 0.7, 4.0, 100.0}) {
    EXPECT_NEAR(student_t_cdf(t, 2.0), 0.5 + t / (2.0 * std::sqrt(2.0 + t * t)), 1e-15) << "t = " << t;
  }
  // The inverse: t = (2p - 1) / sqrt(2 p (1 - p)).
  for (const double p : {1e-12, 0.01, 0.2, 0.45, 0.55, 0.975, 0.9999}) {
    expect_relative(student_t_quantile(p, 2.0), (2.0 * p - 1.0) / std::sqrt(2.0 * p * (1.0 - p)), 1e-11, "quantile", p,
                    2.0);
  }
}

TEST(StudentT, LargeDegreesMatchNormalExpansion) {
  // Cornish-Fisher: t_p = z + (z^3 + z) / (4 df) + (5 z^5 + 16 z^3 + 3 z) / (96 df^2) + O(df^-3),
  // with z the normal 0.975-quantile; the dropped term is below 1e-17 for df >= 1e6.
  const double z = 1.959963984540054;
  for (const double df : {1e6, 1e8, 1e9, 1e12, 1e300}) {
    const double expected =
        z + (z * z * z + z) / (4.0 * df) + (5.0 * std::pow(z, 5) + 16.0 * z * z * z + 3.0 * z) / (96.0 * df * df);
    expect_relative(student_t_quantile(0.975, df), expected, 1e-11, "quantile", 0.975, df);
  }
}

TEST(StudentT, IsSymmetric) {
  for (const double df : {0.3, 1.0, 2.5, 9.0, 250.0}) {
    for (const double t : {0.1, 1.0, 3.7, 25.0}) {
      EXPECT_NEAR(student_t_cdf(-t, df), 1.0 - student_t_cdf(t, df), 1e-15) << "t = " << t << ", df = " << df;
    }
    for (const double p : {0.0009765625, 0.25, 0.4375}) {  // 1 - p is exact for these
      EXPECT_EQ(student_t_quantile(1.0 - p, df), -student_t_quantile(p, df)) << "p = " << p << ", df = " << df;
    }
  }
}

TEST(StudentT, QuantileInvertsCdf) {
  // Negative t keep every digit of the tail in cdf(t); positive ones stay where 1 - tail is exact enough.
  for (const double df : {0.5, 1.0, 3.0, 7.5, 30.0, 1000.0}) {
    for (const double t : {-40.0, -5.0, -1.3, -0.01, 0.2, 1.0, 2.5}) {
      expect_relative(student_t_quantile(student_t_cdf(t, df), df), t, 1e-12, "round trip", t, df);
    }
  }
}

TEST(StudentT, EdgeValues) {
  EXPECT_EQ(student_t_cdf(0.0, 3.0), 0.5);
  EXPECT_EQ(student_t_quantile(0.5, 3.0), 0.0);
  EXPECT_EQ(student_t_cdf(kInf, 3.0), 1.0);
  EXPECT_EQ(student_t_cdf(-kInf, 3.0), 0.0);
  EXPECT_TRUE(std::isnan(student_t_cdf(kNaN, 3.0)));
  EXPECT_EQ(student_t_cdf(-1e300, 5.0), 0.0);  // ~1e-1500 underflows
  // With df = 0.01 the tail decays like t^-0.01: the 1e-10 quantile is near -1e970.
  EXPECT_EQ(student_t_quantile(1e-10, 0.01), -kInf);
}

TEST(StudentT, BadArgumentsThrow) {
  expect_throw_with<ValueError>([] { student_t_quantile(0.0, 3.0); }, "student_t_quantile: expected 0 < p < 1, got 0");
  expect_throw_with<ValueError>([] { student_t_quantile(1.0, 3.0); }, "student_t_quantile: expected 0 < p < 1, got 1");
  expect_throw_with<ValueError>([] { student_t_quantile(kNaN, 3.0); },
                                "student_t_quantile: expected 0 < p < 1, got nan");
  expect_throw_with<ValueError>([] { student_t_quantile(0.9, 0.0); }, "student_t_quantile: expected df > 0, got 0");
  expect_throw_with<ValueError>([] { student_t_quantile(0.9, -2.5); }, "student_t_quantile: expected df > 0, got -2.5");
  expect_throw_with<ValueError>([] { student_t_cdf(1.0, kNaN); }, "student_t_cdf: expected df > 0, got nan");
  expect_throw_with<ValueError>([] { student_t_cdf(1.0, -1.0); }, "student_t_cdf: expected df > 0, got -1");
}

TEST(SampleStatistics, HandComputedSample) {
  const std::vector<double> values = {1.0, 2.0, 3.0, 4.0};
  const SampleSummary summary = summarize(values);
  EXPECT_EQ(summary.n, 4);
  EXPECT_DOUBLE_EQ(summary.mean, 2.5);
  const double std = std::sqrt(5.0 / 3.0);  // squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n - 1 = 3
  EXPECT_NEAR(summary.std, std, 1e-15);
  EXPECT_NEAR(summary.ci_half_width, 3.18244630528 * std / 2.0, 1e-10);  // t_{0.975, 3} std / sqrt(4)
  EXPECT_EQ(summary.min, 1.0);
  EXPECT_EQ(summary.max, 4.0);
}

TEST(SampleStatistics, OtherLevel) {
  const std::vector<double> values = {5.0, 1.0, 4.0, 2.0, 3.0};
  const SampleSummary summary = summarize(values, 0.99);
  EXPECT_DOUBLE_EQ(summary.mean, 3.0);
  EXPECT_NEAR(summary.std, std::sqrt(2.5), 1e-15);
  EXPECT_NEAR(summary.ci_half_width, 4.60409487142 * std::sqrt(2.5) / std::sqrt(5.0), 1e-10);  // t_{0.995, 4}
}

TEST(SampleStatistics, LargeOffsetKeepsTheSpread) {
  // sum(x^2) - n mean^2 would cancel every digit here; deviations from the mean do not.
  const std::vector<double> values = {1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0, 1e9 + 4.0};
  EXPECT_NEAR(summarize(values).std, std::sqrt(5.0 / 3.0), 1e-12);
}

TEST(SampleStatistics, NonFiniteValuesAreLeftOut) {
  const std::vector<double> values = {1.0, kNaN, 2.0, kInf, 3.0, 4.0, -kInf};
  const SampleSummary summary = summarize(values);
  EXPECT_EQ(summary.n, 4);
  EXPECT_DOUBLE_EQ(summary.mean, 2.5);
  EXPECT_NEAR(summary.std, std::sqrt(5.0 / 3.0), 1e-15);
  EXPECT_NEAR(summary.ci_half_width, 3.18244630528 * std::sqrt(5.0 / 3.0) / 2.0, 1e-10);
  EXPECT_EQ(summary.min, 1.0);
  EXPECT_EQ(summary.max, 4.0);
}

TEST(SampleStatistics, NoValuesOrOne) {
  for (const std::vector<double>& values : {std::vector<double>{}, std::vector<double>{kNaN, kInf}}) {
    const SampleSummary summary = summarize(values);
    EXPECT_EQ(summary.n, 0);
    EXPECT_TRUE(std::isnan(summary.mean));
    EXPECT_TRUE(std::isnan(summary.std));
    EXPECT_TRUE(std::isnan(summary.ci_half_width));
    EXPECT_TRUE(std::isnan(summary.min));
    EXPECT_TRUE(std::isnan(summary.max));
  }
  const std::vector<double> one = {kNaN, 7.5};
  const SampleSummary summary = summarize(one);
  EXPECT_EQ(summary.n, 1);
  EXPECT_EQ(summary.mean, 7.5);
  EXPECT_EQ(summary.min, 7.5);
  EXPECT_EQ(summary.max, 7.5);
  EXPECT_TRUE(std::isnan(summary.std));
  EXPECT_TRUE(std::isnan(summary.ci_half_width));
}

TEST(SampleStatistics, BadLevelThrows) {
  const std::vector<double> values = {1.0, 2.0};
  expect_throw_with<ValueError>([&] { summarize(values, 1.5); }, "summarize: expected 0 < level < 1, got 1.5");
  expect_throw_with<ValueError>([&] { summarize(values, 0.0); }, "summarize: expected 0 < level < 1, got 0");
}

}  // namespace
}  // namespace nnlab::analysis
