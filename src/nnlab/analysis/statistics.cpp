// Sample summaries and Student's t distribution. The CDF is 1/2 I_x(df/2, 1/2) with
// x = df / (df + t²), the regularized incomplete beta function by its continued fraction
// (Numerical Recipes, 3rd ed., section 6.4); the quantile is a bisection on that CDF.
#include "nnlab/analysis/statistics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "nnlab/core/check.h"

namespace nnlab::analysis {
namespace {

// From here on the normal limit with a 1/df correction is more accurate than the continued
// fraction, whose error grows like 1e-20 · df even in long double (below 1e-10 up to here).
constexpr double kNormalDf = 1e10;
// A guard only: NR bounds the terms by O(sqrt(max(a, b))); the t distribution takes under 100.
constexpr int kMaxFractionTerms = 100000;

// log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b). When one argument is large, lgamma(big)
// and lgamma(big + small) are huge and nearly equal, and their difference would lose digits
// (lgamma(5e5) ~ 6e6 leaves 1e-9 absolute), so it is taken from Stirling's series instead.
double log_beta(double a, double b) {
  const double big = std::max(a, b);
  const double small = std::min(a, b);
  if (big < 100.0) return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  // Stirling: lgamma(z) = (z - 1/2) log z - z + log(2 pi) / 2 + series(z); the next term of the
  // series, 1 / (1188 z^9), is below 1e-21 for z >= 100.
  const auto series = [](double z) {
    const double z2 = z * z;
    return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * z2)) / z2) / z2) / z;
  };
  // lgamma(big) - lgamma(big + small), with log(big + small) = log(big) + log1p(small / big).
  const double difference = -small * std::log(big) - (big + small - 0.5) * std::log1p(small / big) + small +
                            series(big) - series(big + small);
  return std::lgamma(small) + difference;
}

// The continued fraction of I_x(a, b) (NR's betacf) by the modified Lentz method. It converges
// quickly for x < (a + 1) / (a + b + 2); the caller swaps a and b, x and 1 - x, otherwise.
// Long double (64-bit mantissa on x86-64): for large a and x near 1 each odd step cancels to
// O(1 - x + 1/a), so the result loses digits in proportion to a (about 1e-17 · df relative in
// double, so 1e-9 at df = 1e8; 2048 times less in long double).
double beta_continued_fraction(long double a, long double b, long double x) {
  constexpr long double kTiny = 1e-300L;  // replaces a zero denominator (Lentz)
  constexpr long double kEpsilon = std::numeric_limits<long double>::epsilon();
  const auto guard = [](long double value) { return std::fabs(value) < kTiny ? kTiny : value; };
  long double c = 1.0L;
  long double d = 1.0L / guard(1.0L - (a + b) * x / (a + 1.0L));
  long double fraction = d;
  for (int m = 1; m <= kMaxFractionTerms; ++m) {
    const long double m2 = 2.0L * m;
    // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
    long double term = m * (b - m) * x / ((a + m2 - 1.0L) * (a + m2));
    d = 1.0L / guard(1.0L + term * d);
    c = guard(1.0L + term / c);
    fraction *= d * c;
    // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    term = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0L));
    d = 1.0L / guard(1.0L + term * d);
    c = guard(1.0L + term / c);
    const long double delta = d * c;
    fraction *= delta;
    if (std::fabs(delta - 1.0L) <= kEpsilon) return static_cast<double>(fraction);
  }
  detail::throw_error<InternalError>(
      fmt::format("incomplete beta: expected the continued fraction to converge in {} terms, it did not for "
                  "a = {}, b = {}, x = {}",
                  kMaxFractionTerms, static_cast<double>(a), static_cast<double>(b), static_cast<double>(x)));
}

// I_x(a, b), given x, y = 1 - x and their logs separately, so that neither tail loses digits to
// a subtraction 1 - x, and an x that underflows (huge t) still has its exact prefactor
// x^a y^b / B(a, b), taken from the logs.
double regularized_incomplete_beta(double a, double b, long double x, long double y, double log_x, double log_y) {
  if (std::isinf(log_x)) return 0.0;  // x = 0 exactly
  if (std::isinf(log_y)) return 1.0;  // x = 1 exactly
  const double prefactor = std::exp(a * log_x + b * log_y - log_beta(a, b));
  if (x < (a + 1.0) / (a + b + 2.0)) return prefactor * beta_continued_fraction(a, b, x) / a;
  return 1.0 - prefactor * beta_continued_fraction(b, a, y) / b;
}

// P(T > t) for t >= 0: 1/2 I_x(df/2, 1/2) with x = df / (df + t²) = 1 / (1 + s²), s² = t² / df.
double upper_tail(double t, double df) {
  if (df >= kNormalDf) {
    // The normal tail plus the first term of its expansion in 1/df (the t tail is heavier):
    // P(T > t) = Q(t) + phi(t) (t^3 + t) / (4 df) + O(t^8 / df^2) relative.
    const double density = std::exp(-0.5 * t * t) / std::sqrt(2.0 * std::numbers::pi);
    return 0.5 * std::erfc(t / std::sqrt(2.0)) + density * (t * t * t + t) / (4.0 * df);
  }
  if (t == 0.0) return 0.5;
  // s² itself overflows for t above ~1e154 · sqrt(df), where a small df still leaves a sizeable
  // tail, so it is formed as s² or as 1 / s², whichever is at most 1, and its log separately.
  const double log_s2 = 2.0 * std::log(t) - std::log(df);
  if (log_s2 <= 0.0) {
    const double s = t / std::sqrt(df);
    const long double s2 = static_cast<long double>(s) * s;
    const double log_x = -std::log1p(static_cast<double>(s2));
    return 0.5 *
           regularized_incomplete_beta(0.5 * df, 0.5, 1.0L / (1.0L + s2), s2 / (1.0L + s2), log_x, log_x + log_s2);
  }
  const double r = std::sqrt(df) / t;  // 1 / s
  const long double r2 = static_cast<long double>(r) * r;
  const double log_y = -std::log1p(static_cast<double>(r2));
  return 0.5 * regularized_incomplete_beta(0.5 * df, 0.5, r2 / (1.0L + r2), 1.0L / (1.0L + r2), log_y - log_s2, log_y);
}

void check_df(double df, const char* where) {
  NNLAB_CHECK(df > 0.0, ValueError, "{}: expected df > 0, got {}", where, df);  // NaN fails too
}

}  // namespace

double student_t_cdf(double t, double df) {
  check_df(df, "student_t_cdf");
  if (std::isnan(t)) return t;
  const double tail = upper_tail(std::fabs(t), df);
  return t < 0.0 ? tail : 1.0 - tail;
}

double student_t_quantile(double p, double df) {
  NNLAB_CHECK(p > 0.0 && p < 1.0, ValueError, "student_t_quantile: expected 0 < p < 1, got {}", p);
  check_df(df, "student_t_quantile");
  if (p == 0.5) return 0.0;
  // Solve P(T > t) = q for t > 0 with q the smaller tail (1 - p is exact for p >= 1/2), so a
  // tiny p keeps all its digits; the sign comes from symmetry.
  const double q = p < 0.5 ? p : 1.0 - p;
  // Bisection on the bit patterns of t in [0, inf]: non-negative doubles order like their bits,
  // so 63 halvings reach two adjacent doubles whatever the scale of t (1e-300 to 1e300), with
  // no starting guess and no step that can fail.
  std::uint64_t below = std::bit_cast<std::uint64_t>(0.0);                                      // upper_tail > q here
  std::uint64_t above = std::bit_cast<std::uint64_t>(std::numeric_limits<double>::infinity());  // <= q
  while (above - below > 1) {
    const std::uint64_t middle = below + (above - below) / 2;
    if (upper_tail(std::bit_cast<double>(middle), df) > q) {
      below = middle;
    } else {
      above = middle;
    }
  }
  const double t_below = std::bit_cast<double>(below);
  const double t_above = std::bit_cast<double>(above);
  const bool take_below = q - upper_tail(t_above, df) > upper_tail(t_below, df) - q;
  const double t = take_below ? t_below : t_above;  // the nearer of the two; inf beyond DBL_MAX
  return p < 0.5 ? -t : t;
}

SampleSummary summarize(std::span<const double> values, double level) {
  NNLAB_CHECK(level > 0.0 && level < 1.0, ValueError, "summarize: expected 0 < level < 1, got {}", level);
  SampleSummary summary;
  double sum = 0.0;
  for (const double value : values) {
    if (!std::isfinite(value)) continue;
    sum += value;
    summary.min = summary.n == 0 ? value : std::min(summary.min, value);
    summary.max = summary.n == 0 ? value : std::max(summary.max, value);
    ++summary.n;
  }
  if (summary.n == 0) return summary;
  const double count = static_cast<double>(summary.n);
  summary.mean = sum / count;
  if (summary.n < 2) return summary;
  // Corrected two-pass variance (Chan, Golub & LeVeque 1983): the second sum removes the
  // rounding left in the mean, and there is no cancellation as in sum(x²) - n mean².
  double squares = 0.0;
  double deviations = 0.0;
  for (const double value : values) {
    if (!std::isfinite(value)) continue;
    const double deviation = value - summary.mean;
    squares += deviation * deviation;
    deviations += deviation;
  }
  const double variance = (squares - deviations * deviations / count) / (count - 1.0);
  summary.std = std::sqrt(std::max(variance, 0.0));
  summary.ci_half_width = student_t_quantile(0.5 + 0.5 * level, count - 1.0) * summary.std / std::sqrt(count);
  return summary;
}

}  // namespace nnlab::analysis
