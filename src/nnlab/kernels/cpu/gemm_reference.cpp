// The naive GEMM twin: the oracle every fast GEMM path is tested against.
// Legend: C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C + bias.
#include "nnlab/kernels/cpu/gemm_backends.h"

namespace nnlab::kernels::cpu {

template <typename T>
void gemm_reference(const GemmProblem<T>& p) {
  if (p.bias != nullptr) return gemm_reference(fold_bias(p));
  for (std::int64_t i = 0; i < p.m; ++i) {
    for (std::int64_t j = 0; j < p.n; ++j) {
      double acc = 0;
      for (std::int64_t l = 0; l < p.k; ++l) {
        const T a = p.trans_a ? p.a[l * p.lda + i] : p.a[i * p.lda + l];
        const T b = p.trans_b ? p.b[j * p.ldb + l] : p.b[l * p.ldb + j];
        acc += static_cast<double>(a) * static_cast<double>(b);
      }
      T& c = p.c[i * p.ldc + j];
      const double scaled = static_cast<double>(p.alpha) * acc;
      c = static_cast<T>(p.beta == T(0) ? scaled : scaled + static_cast<double>(p.beta) * static_cast<double>(c));
    }
  }
}

template void gemm_reference<float>(const GemmProblem<float>&);
template void gemm_reference<double>(const GemmProblem<double>&);

}  // namespace nnlab::kernels::cpu
