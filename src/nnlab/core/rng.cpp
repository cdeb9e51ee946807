#include "nnlab/core/rng.h"

#include <cmath>
#include <numbers>

#include "nnlab/core/parallel.h"

namespace nnlab {

PhiloxBlock philox4x32(std::uint64_t counter, std::uint64_t key) {
  // Constants from Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (2011).
  constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  std::uint32_t c0 = static_cast<std::uint32_t>(counter), c1 = static_cast<std::uint32_t>(counter >> 32);
  std::uint32_t c2 = 0, c3 = 0;
  std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = static_cast<std::uint64_t>(kMul0) * c0;
    const std::uint64_t p1 = static_cast<std::uint64_t>(kMul1) * c2;
    const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<std::uint32_t>(p1);
    c3 = static_cast<std::uint32_t>(p0);
    c0 = n0;
    c2 = n2;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return {{c0, c1, c2, c3}};
}

namespace {

// 53 random bits -> a double in [0, 1).
double to_unit(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);
  return static_cast<double>(bits & ((1ull << 53) - 1)) * 0x1.0p-53;
}

constexpr std::int64_t kFillGrain = 4096;

}  // namespace

template <typename T>
void Rng::fill_uniform(std::span<T> out, double low, double high) {
  const std::uint64_t base = counter_;
  parallel_for(0, static_cast<std::int64_t>(out.size()), kFillGrain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const PhiloxBlock block = philox4x32(base + static_cast<std::uint64_t>(i), seed_);
      T value = static_cast<T>(low + (high - low) * to_unit(block.words[0], block.words[1]));
      // Rounding to float can land exactly on `high`; keep the interval half-open.
      out[i] = value < static_cast<T>(high) ? value : static_cast<T>(low);
    }
  });
  counter_ += out.size();
}

template <typename T>
void Rng::fill_normal(std::span<T> out, double mean, double stddev) {
  const std::uint64_t base = counter_;
  parallel_for(0, static_cast<std::int64_t>(out.size()), kFillGrain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const PhiloxBlock block = philox4x32(base + static_cast<std::uint64_t>(i), seed_);
      // Box-Muller; 1 - u keeps the log argument in (0, 1].
      const double u1 = 1.0 - to_unit(block.words[0], block.words[1]);
      const double u2 = to_unit(block.words[2], block.words[3]);
      out[i] = static_cast<T>(mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
    }
  });
  counter_ += out.size();
}

template <typename T>
void Rng::fill_bernoulli(std::span<T> out, double p) {
  const std::uint64_t base = counter_;
  parallel_for(0, static_cast<std::int64_t>(out.size()), kFillGrain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const PhiloxBlock block = philox4x32(base + static_cast<std::uint64_t>(i), seed_);
      out[i] = to_unit(block.words[0], block.words[1]) < p ? T(1) : T(0);
    }
  });
  counter_ += out.size();
}

double Rng::uniform() {
  const PhiloxBlock block = philox4x32(counter_++, seed_);
  return to_unit(block.words[0], block.words[1]);
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Lemire-style rejection would be exact; 64 random bits make the modulo bias < 2^-40 here.
  const PhiloxBlock block = philox4x32(counter_++, seed_);
  const std::uint64_t bits = (static_cast<std::uint64_t>(block.words[0]) << 32) | block.words[1];
  return n == 0 ? 0 : bits % n;
}

std::vector<std::int64_t> Rng::permutation(std::int64_t n) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[i] = i;
  // The draws are Lemire's exact bounded integers (a multiply, and a rare rejection) on 32-bit
  // words, all four of each block: a quarter of a block per element and no division, where one
  // block and a 64-bit modulo per element made W6's full-batch shuffle 4 % of its step. Blocks
  // are made kBatch at a time: one block is a chain of dependent multiplies, several overlap.
  constexpr int kBatch = 16;
  std::uint32_t words[4 * kBatch];
  int used = 4 * kBatch;
  const auto word = [&] {
    if (used == 4 * kBatch) {
      for (int b = 0; b < kBatch; ++b) {
        const PhiloxBlock block = philox4x32(counter_ + static_cast<std::uint64_t>(b), seed_);
        for (int w = 0; w < 4; ++w) words[4 * b + w] = block.words[w];
      }
      counter_ += kBatch;
      used = 0;
    }
    return words[used++];
  };
  for (std::int64_t i = n - 1; i > 0; --i) {
    const std::uint64_t bound = static_cast<std::uint64_t>(i) + 1;
    std::uint64_t pick;
    if (bound > 0xFFFFFFFFull) {
      pick = below(bound);
    } else {
      const auto s = static_cast<std::uint32_t>(bound);
      std::uint64_t m = static_cast<std::uint64_t>(word()) * s;
      if (static_cast<std::uint32_t>(m) < s) {
        const std::uint32_t threshold = static_cast<std::uint32_t>(-s) % s;  // 2^32 mod s
        while (static_cast<std::uint32_t>(m) < threshold) m = static_cast<std::uint64_t>(word()) * s;
      }
      pick = m >> 32;
    }
    std::swap(order[i], order[pick]);
  }
  return order;
}

Rng& global_rng() {
  static Rng rng(0);
  return rng;
}

void manual_seed(std::uint64_t seed) { global_rng() = Rng(seed); }

template void Rng::fill_uniform<float>(std::span<float>, double, double);
template void Rng::fill_uniform<double>(std::span<double>, double, double);
template void Rng::fill_normal<float>(std::span<float>, double, double);
template void Rng::fill_normal<double>(std::span<double>, double, double);
template void Rng::fill_bernoulli<float>(std::span<float>, double);
template void Rng::fill_bernoulli<double>(std::span<double>, double);
template void Rng::fill_bernoulli<std::int64_t>(std::span<std::int64_t>, double);

}  // namespace nnlab
