#pragma once
// Building blocks for float loops that GCC vectorises without -ffast-math (which is banned): a
// branch-free select, and float32 exp and tanh. A call to std::exp keeps a loop scalar; these
// stay within 2 ulp of the true value and give inf, 0 and NaN where std::exp / std::tanh do.
// Their reference twins are std::exp and std::tanh in double (tests/kernels/test_fast_math.cpp).
#include <bit>
#include <cstdint>
#include <type_traits>

namespace nnlab::kernels::cpu {

// cond ? a : b, through bit masks. A plain ?: whose arms do float arithmetic keeps GCC from
// vectorising the loop: it will not run the arithmetic of both arms, as float operations may
// trap (-ftrapping-math). Here both arms are already computed and integer masks never trap.
template <typename T>
[[gnu::always_inline]] inline T select(bool cond, T a, T b) {
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  const Bits mask = Bits(0) - static_cast<Bits>(cond);
  return std::bit_cast<T>((std::bit_cast<Bits>(a) & mask) | (std::bit_cast<Bits>(b) & ~mask));
}

// 2^k for an integer k in [-126, 127], built from its exponent bits.
[[gnu::always_inline]] inline float exp2_int(std::int32_t k) { return std::bit_cast<float>((k + 127) << 23); }

// e^x. x = n·ln2 + r with |r| <= ln2/2; e^r from Cephes' expf polynomial; then times 2^n.
[[gnu::always_inline]] inline float fast_exp(float x) {
  // e^x overflows above 88.73 and rounds to 0 below -103.98: the clamps keep n in the range the
  // scaling below handles, and a NaN passes both.
  x = select(x < -104.0f, -104.0f, x);
  x = select(x > 89.0f, 89.0f, x);
  // Adding 1.5·2^23 rounds x·log2(e) to the nearest integer n, which lands in the low mantissa
  // bits (a vectorisable stand-in for std::nearbyint).
  constexpr float kRound = 12582912.0f;
  const float shifted = x * 1.44269504088896341f + kRound;
  const std::int32_t n = std::bit_cast<std::int32_t>(shifted) - std::bit_cast<std::int32_t>(kRound);
  const float nf = shifted - kRound;
  // ln2 in two parts (Cody-Waite): nf times the short high part is exact, so r keeps its low bits.
  float r = x - nf * 0.693359375f;
  r = r - nf * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float exp_r = p * (r * r) + r + 1.0f;
  // 2^n in two factors: n reaches 128 and -150, outside a single float exponent's range.
  // The first product is exact, so the result is rounded once, also when it is subnormal.
  const std::int32_t half = n >> 1;
  return exp_r * exp2_int(half) * exp2_int(n - half);
}

// tanh(x), computed on |x| with x's sign put back (tanh is odd). Small |x|: Cephes' tanhf
// polynomial. Elsewhere 1 - 2/(e^2|x| + 1), which has no cancellation once |x| >= 0.625.
[[gnu::always_inline]] inline float fast_tanh(float x) {
  const std::uint32_t sign = std::bit_cast<std::uint32_t>(x) & 0x80000000u;
  const float a = std::bit_cast<float>(std::bit_cast<std::uint32_t>(x) ^ sign);
  const float z = a * a;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * a + a;
  const float large = 1.0f - 2.0f / (fast_exp(2.0f * a) + 1.0f);
  const float magnitude = select(a < 0.625f, small, large);
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(magnitude) | sign);
}

}  // namespace nnlab::kernels::cpu
