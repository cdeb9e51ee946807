// gemm_small's kernels on vectors of `vector_bytes` (16, 32 or 64) on any machine, at the
// baseline ISA: the widths change the tile shapes and tails, and a machine runs only its own
// width in gemm_small, so the tests check every width that one of its ISA entry points uses.
#pragma once

#include "nnlab/kernels/cpu/gemm_backends.h"

namespace nnlab::kernels::cpu {

template <typename T>
void gemm_small_at_width(const GemmProblem<T>& p, int vector_bytes);

}  // namespace nnlab::kernels::cpu
