#pragma once
// Summaries of repeated trials (seeds) for sweeps: mean, sample std and a Student-t confidence
// interval, with Student's t CDF and quantile computed here (no fixed 1.96, which is too narrow
// for a handful of seeds: t_{0.975, 2} = 4.30).
#include <cstdint>
#include <limits>
#include <span>

namespace nnlab::analysis {

struct SampleSummary {
  std::int64_t n = 0;  // finite values counted
  double mean = std::numeric_limits<double>::quiet_NaN();
  // The sample std (divides by n - 1); NaN for n < 2.
  double std = std::numeric_limits<double>::quiet_NaN();
  // t_{(1 + level) / 2, n - 1} · std / sqrt(n); NaN for n < 2.
  double ci_half_width = std::numeric_limits<double>::quiet_NaN();
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
};

// Mean, sample std and the half width of the two-sided `level` Student-t confidence interval of
// the mean, so the interval is mean ± ci_half_width. Non-finite values (a diverged trial) are
// left out and n counts the finite ones; with n = 0 every field but n is NaN, with n = 1 the
// std and the half width are. Throws ValueError unless 0 < level < 1.
SampleSummary summarize(std::span<const double> values, double level = 0.95);

// The p-quantile of Student's t distribution with `df` degrees of freedom: the t with
// student_t_cdf(t, df) = p, to about 1e-12 relative for df up to 1e8 and 1e-10 beyond. df may
// be fractional, and df = inf gives the standard normal. Returns ±inf when |t| would exceed the
// largest double (tiny p with df << 1).
// Throws ValueError unless 0 < p < 1 and df > 0.
double student_t_quantile(double p, double df);

// P(T <= t) for T ~ Student's t with `df` degrees of freedom, through the regularized
// incomplete beta function, accurate to about 1e-12 relative in either tail for df up to 1e8
// (1e-10 up to 1e10, then the normal limit with a 1/df correction). NaN for t = NaN.
// Throws ValueError unless df > 0 (df = inf gives the standard normal).
double student_t_cdf(double t, double df);

}  // namespace nnlab::analysis
