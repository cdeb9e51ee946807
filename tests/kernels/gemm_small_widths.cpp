// gemm_small's tiles at every vector width on the baseline ISA (gemm_small_widths.h). GCC splits
// the vectors wider than the baseline's registers, which took 2.5 minutes to compile at -O3 and
// takes half a minute at the tests' -O1 (cmake/nnlab.cmake); only the results count here.
#include "kernels/gemm_small_widths.h"

#include "nnlab/core/check.h"
#include "nnlab/kernels/cpu/gemm_small_tiles.h"

namespace nnlab::kernels::cpu {

template <typename T>
void gemm_small_at_width(const GemmProblem<T>& p, int vector_bytes) {
  if (p.bias != nullptr && p.k != 1) return gemm_small_at_width(fold_bias(p), vector_bytes);
  switch (vector_bytes) {
    case 16: return Tiles<T, 16>::small_product(p);
    case 32: return Tiles<T, 32>::small_product(p);
    case 64: return Tiles<T, 64>::small_product(p);
  }
  NNLAB_UNREACHABLE("gemm_small_at_width: vector_bytes must be 16, 32 or 64");
}

template void gemm_small_at_width<float>(const GemmProblem<float>&, int);
template void gemm_small_at_width<double>(const GemmProblem<double>&, int);

}  // namespace nnlab::kernels::cpu
