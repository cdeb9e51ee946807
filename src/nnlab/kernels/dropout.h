#pragma once
// Inverted dropout's mask, drawn from a counter-based generator so it depends only on
// (seed, counter), never on the thread count. Element i reads the 32-bit word i % 4 of the
// Philox4x32-10 block (counter + i / 4) under key `seed` (core/rng.h's philox4x32), and is
// dropped when that word is below floor(p · 2^32).
#include <cstdint>

#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

inline constexpr std::int64_t kDropoutElementsPerBlock = 4;

// Philox blocks a mask of `numel` elements uses: what the caller advances its Rng by.
std::uint64_t dropout_blocks(std::int64_t numel);

// mask[i] = 0 where dropped, 1 / (1 - p) where kept; out[i] = x[i] · mask[i].
// x, mask and out contiguous, of one floating dtype; 0 < p < 1.
void dropout_forward(const ConstView& x, double p, std::uint64_t seed, std::uint64_t counter, const MutView& mask,
                     const MutView& out);

// The same result, one block at a time through core's philox4x32: the test oracle.
void dropout_forward_reference(const ConstView& x, double p, std::uint64_t seed, std::uint64_t counter,
                               const MutView& mask, const MutView& out);

}  // namespace nnlab::kernels
