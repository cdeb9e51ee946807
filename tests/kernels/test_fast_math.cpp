// fast_exp and fast_tanh against their reference twins, std::exp and std::tanh in double,
// over a dense sweep of every float exponent they can meet, and at the special values.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "nnlab/kernels/cpu/fast_math.h"

namespace nnlab::kernels::cpu {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// |actual - reference| in units in the last place of the float nearest the reference (the
// subnormal spacing 2^-149 below the normal range). A wrong inf counts as huge.
double ulp_error(float actual, double reference) {
  const float rounded = static_cast<float>(reference);
  if (std::isinf(rounded) || std::isinf(actual)) return actual == rounded ? 0.0 : 1e30;
  const double magnitude = std::abs(static_cast<double>(rounded));
  const double ulp = magnitude < std::numeric_limits<float>::min()
                         ? std::ldexp(1.0, -149)
                         : static_cast<double>(std::nextafter(static_cast<float>(magnitude), kInf)) - magnitude;
  return std::abs(static_cast<double>(actual) - reference) / ulp;
}

// The worst ulp error of f against reference over every 251st float bit pattern, both signs
// (about 17 million values), NaNs skipped.
template <typename F, typename R>
double worst_ulp_error(const F& f, const R& reference) {
  double worst = 0;
  for (std::uint64_t bits = 0; bits <= 0xffffffffu; bits += 251) {
    const float x = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
    if (std::isnan(x)) continue;
    worst = std::max(worst, ulp_error(f(x), reference(static_cast<double>(x))));
  }
  return worst;
}

TEST(FastMath, ExpIsWithinOneUlpEverywhere) {
  const double worst = worst_ulp_error([](float x) { return fast_exp(x); }, [](double x) { return std::exp(x); });
  EXPECT_LE(worst, 1.05);  // 0.98 measured, 1.01 where the compiler fuses multiply-adds
}

TEST(FastMath, TanhIsWithinTwoUlpEverywhere) {
  const double worst = worst_ulp_error([](float x) { return fast_tanh(x); }, [](double x) { return std::tanh(x); });
  EXPECT_LE(worst, 2.0);  // 1.32 measured
}

TEST(FastMath, ExpSpecialValues) {
  EXPECT_EQ(fast_exp(0.0f), 1.0f);
  EXPECT_EQ(fast_exp(-0.0f), 1.0f);
  EXPECT_EQ(fast_exp(kInf), kInf);
  EXPECT_EQ(fast_exp(-kInf), 0.0f);
  EXPECT_TRUE(std::isnan(fast_exp(kNaN)));
  EXPECT_TRUE(std::isnan(fast_exp(-kNaN)));
  EXPECT_EQ(fast_exp(88.8f), kInf);                    // e^88.8 > FLT_MAX
  EXPECT_EQ(fast_exp(1000.0f), kInf);
  EXPECT_GT(fast_exp(88.72f), 3.39e38f);               // just below the overflow threshold
  EXPECT_EQ(fast_exp(-103.9f), std::ldexp(1.0f, -149));  // e^-103.9 = 7.5e-46 rounds up to the smallest subnormal
  EXPECT_EQ(fast_exp(-104.5f), 0.0f);
  EXPECT_EQ(fast_exp(-1000.0f), 0.0f);
}

TEST(FastMath, TanhSpecialValues) {
  EXPECT_EQ(fast_tanh(0.0f), 0.0f);
  EXPECT_TRUE(std::signbit(fast_tanh(-0.0f)));  // tanh is odd, down to the sign of zero
  EXPECT_EQ(fast_tanh(1e-30f), 1e-30f);
  EXPECT_EQ(fast_tanh(kInf), 1.0f);
  EXPECT_EQ(fast_tanh(-kInf), -1.0f);
  EXPECT_EQ(fast_tanh(100.0f), 1.0f);
  EXPECT_TRUE(std::isnan(fast_tanh(kNaN)));
}

TEST(FastMath, SelectPicksBitExactly) {
  EXPECT_EQ(select(true, 1.5f, 2.5f), 1.5f);
  EXPECT_EQ(select(false, 1.5, 2.5), 2.5);
  EXPECT_TRUE(std::signbit(select(true, -0.0f, 0.0f)));
  EXPECT_TRUE(std::isnan(select(false, 0.0, std::nan(""))));
}

}  // namespace
}  // namespace nnlab::kernels::cpu
