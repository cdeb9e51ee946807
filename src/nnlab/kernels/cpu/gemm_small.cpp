// GEMM for small products, where oneDNN's per-call overhead costs more than the arithmetic.
// Tiles of C live in vector registers (GCC vector extensions, as wide as the ISA's registers)
// for the whole K loop (gemm_small_tiles.h).
// Legend: C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C; V = elements per vector.
//
// Two tile shapes, by where op(B)'s elements sit along N:
//   rows form, B not transposed: C row segments += op(A)(i, l) · B row segments (an outer product);
//   dots form, B transposed (x · Wᵀ of a Linear layer): C(i, j) = A row i · Bₛ row j, both
//   contiguous along K, V dot products at a time, whose V accumulators one transposing fold
//   turns into V results (15 shuffle-adds for 16 results instead of 16 horizontal sums).
#include "nnlab/kernels/cpu/gemm_backends.h"
#include "nnlab/kernels/cpu/gemm_small_tiles.h"

namespace nnlab::kernels::cpu {
namespace {

// The entry points, one per ISA at its register width, picked when the library loads. Clang 14
// (the fuzz build) does not multiversion on arch=, so it gets the baseline alone.
#if defined(__clang__)
void small_product_f32(const GemmProblem<float>& p) { Tiles<float, 16>::small_product(p); }
void small_product_f64(const GemmProblem<double>& p) { Tiles<double, 16>::small_product(p); }
#else
[[gnu::target("arch=x86-64-v4")]] void small_product_f32(const GemmProblem<float>& p) {
  Tiles<float, 64>::small_product(p);
}
[[gnu::target("arch=x86-64-v3")]] void small_product_f32(const GemmProblem<float>& p) {
  Tiles<float, 32>::small_product(p);
}
[[gnu::target("default")]] void small_product_f32(const GemmProblem<float>& p) { Tiles<float, 16>::small_product(p); }
[[gnu::target("arch=x86-64-v4")]] void small_product_f64(const GemmProblem<double>& p) {
  Tiles<double, 64>::small_product(p);
}
[[gnu::target("arch=x86-64-v3")]] void small_product_f64(const GemmProblem<double>& p) {
  Tiles<double, 32>::small_product(p);
}
[[gnu::target("default")]] void small_product_f64(const GemmProblem<double>& p) { Tiles<double, 16>::small_product(p); }
#endif

}  // namespace

template <typename T>
void gemm_small(const GemmProblem<T>& p) {
  if (p.bias != nullptr && p.k != 1) return gemm_small(fold_bias(p));  // outer products add it themselves
  if constexpr (sizeof(T) == 4) {
    small_product_f32(p);
  } else {
    small_product_f64(p);
  }
}

template void gemm_small<float>(const GemmProblem<float>&);
template void gemm_small<double>(const GemmProblem<double>&);

}  // namespace nnlab::kernels::cpu
