// Dropout's mask on CPU. The fast path runs 16 Philox blocks side by side so the rounds
// vectorise (64 mask elements per pass), ISA picked at run time; bench/bench_dropout.cpp
// measures it at ~14x the one-block-at-a-time reference with AVX-512.
#include "nnlab/kernels/dropout.h"

#include <algorithm>

#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"
#include "nnlab/kernels/cpu/isa.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

#define NNLAB_DROPOUT_INLINE [[gnu::always_inline]] inline

constexpr int kLanes = 16;  // blocks per pass: 16 x 32-bit words fill one AVX-512 register
constexpr std::int64_t kGroup = kLanes * kDropoutElementsPerBlock;  // mask elements per pass
constexpr std::int64_t kDropoutGrain = 1 << 14;

std::uint32_t drop_threshold(double p) {
  // floor keeps the threshold below 2^32 for every p < 1.
  return static_cast<std::uint32_t>(p * 4294967296.0);
}

// words[j][l] = word j of philox4x32(counter + l, key): the same rounds as core/rng.cpp, with
// the lanes in arrays so that GCC vectorises each round across them.
NNLAB_DROPOUT_INLINE void philox_lanes(std::uint64_t counter, std::uint64_t key, std::uint32_t (&words)[4][kLanes]) {
  constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  std::uint32_t* c0 = words[0];
  std::uint32_t* c1 = words[1];
  std::uint32_t* c2 = words[2];
  std::uint32_t* c3 = words[3];
  for (int l = 0; l < kLanes; ++l) {
    const std::uint64_t c = counter + static_cast<std::uint64_t>(l);
    c0[l] = static_cast<std::uint32_t>(c);
    c1[l] = static_cast<std::uint32_t>(c >> 32);
    c2[l] = 0;
    c3[l] = 0;
  }
  std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    for (int l = 0; l < kLanes; ++l) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(kMul0) * c0[l];
      const std::uint64_t p1 = static_cast<std::uint64_t>(kMul1) * c2[l];
      const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[l] ^ k0;
      const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[l] ^ k1;
      c1[l] = static_cast<std::uint32_t>(p1);
      c3[l] = static_cast<std::uint32_t>(p0);
      c0[l] = n0;
      c2[l] = n2;
    }
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
}

struct MaskParams {
  std::uint64_t seed = 0;
  std::uint64_t counter = 0;
  std::uint32_t threshold = 0;
};

// Elements [begin, end) of the mask; begin is a multiple of kGroup.
template <typename T>
NNLAB_DROPOUT_INLINE void dropout_range(const MaskParams& m, T scale, const T* x, T* mask, T* out, std::int64_t begin,
                                        std::int64_t end) {
  std::uint32_t words[4][kLanes];
  for (std::int64_t g = begin; g < end; g += kGroup) {
    philox_lanes(m.counter + static_cast<std::uint64_t>(g / kDropoutElementsPerBlock), m.seed, words);
    const std::int64_t count = std::min(kGroup, end - g);
    if (count == kGroup) {
      for (int l = 0; l < kLanes; ++l) {
        for (int j = 0; j < 4; ++j) {
          const std::int64_t i = g + 4 * l + j;
          const T keep = words[j][l] >= m.threshold ? scale : T(0);
          mask[i] = keep;
          out[i] = x[i] * keep;
        }
      }
    } else {
      for (std::int64_t e = 0; e < count; ++e) {
        const T keep = words[e % 4][e / 4] >= m.threshold ? scale : T(0);
        mask[g + e] = keep;
        out[g + e] = x[g + e] * keep;
      }
    }
  }
}

NNLAB_ISA_CLONES
void dropout_range_f32(const MaskParams& m, float scale, const float* x, float* mask, float* out, std::int64_t begin,
                       std::int64_t end) {
  dropout_range(m, scale, x, mask, out, begin, end);
}

NNLAB_ISA_CLONES
void dropout_range_f64(const MaskParams& m, double scale, const double* x, double* mask, double* out,
                       std::int64_t begin, std::int64_t end) {
  dropout_range(m, scale, x, mask, out, begin, end);
}

#undef NNLAB_DROPOUT_INLINE

}  // namespace

std::uint64_t dropout_blocks(std::int64_t numel) {
  return static_cast<std::uint64_t>((numel + kDropoutElementsPerBlock - 1) / kDropoutElementsPerBlock);
}

void dropout_forward(const ConstView& x, double p, std::uint64_t seed, std::uint64_t counter, const MutView& mask,
                     const MutView& out) {
  NNLAB_DCHECK(x.is_contiguous() && mask.is_contiguous() && out.is_contiguous() && p > 0 && p < 1);
  const MaskParams params{seed, counter, drop_threshold(p)};
  const double scale = 1.0 / (1.0 - p);
  const std::int64_t groups = (x.numel() + kGroup - 1) / kGroup;
  // Chunks split at group boundaries, so every element sees the same block on any thread count.
  parallel_for(0, groups, kDropoutGrain / kGroup, [&](std::int64_t begin, std::int64_t end) {
    const std::int64_t lo = begin * kGroup, hi = std::min(end * kGroup, x.numel());
    cpu::dispatch_floating(x.dtype, [&]<typename T>() {
      if constexpr (sizeof(T) == 4) {
        dropout_range_f32(params, static_cast<float>(scale), x.ptr<float>(), mask.ptr<float>(), out.ptr<float>(), lo,
                          hi);
      } else {
        dropout_range_f64(params, scale, x.ptr<double>(), mask.ptr<double>(), out.ptr<double>(), lo, hi);
      }
    });
  });
}

void dropout_forward_reference(const ConstView& x, double p, std::uint64_t seed, std::uint64_t counter,
                               const MutView& mask, const MutView& out) {
  const std::uint32_t threshold = drop_threshold(p);
  const double scale = 1.0 / (1.0 - p);
  cpu::dispatch_floating(x.dtype, [&]<typename T>() {
    const T* px = x.ptr<T>();
    T* pm = mask.ptr<T>();
    T* po = out.ptr<T>();
    for (std::int64_t i = 0; i < x.numel(); ++i) {
      const PhiloxBlock block = philox4x32(counter + static_cast<std::uint64_t>(i / kDropoutElementsPerBlock), seed);
      pm[i] = block.words[i % kDropoutElementsPerBlock] >= threshold ? static_cast<T>(scale) : T(0);
      po[i] = px[i] * pm[i];
    }
  });
}

}  // namespace nnlab::kernels
