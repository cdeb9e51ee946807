// float32 GEMM through oneDNN's dnnl_sgemm (row-major BLAS interface).
// dnnl_sgemm rather than a matmul primitive cached by shape: bench_gemm's BM_DnnlOverhead
// (x · Wᵀ shapes, memory objects reused as a cache would) measured a 1x16x16 call at 0.11 us
// against 0.39 us, and 128^3 and 512^3 products within 2% of each other (1 thread). The
// primitive is faster only in between (16x64x64: 1.15 vs 2.0 us), where gemm_small runs
// instead (0.8 us). sgemm also takes leading dims and beta directly, so nothing is cached.
#include <omp.h>

#include <new>

#include <oneapi/dnnl/dnnl.h>

#include "nnlab/core/check.h"
#include "nnlab/kernels/cpu/gemm_backends.h"

namespace nnlab::kernels::cpu {

void gemm_dnnl(const GemmProblem<float>& p) {
  if (p.m == 0 || p.n == 0) return;
  if (p.k == 0) return gemm_small(p);  // sgemm returns early on K = 0 without applying beta
  // Smaller products run on the calling thread alone: waking sgemm's team costs more than it
  // saves there. Measured on 2 cores with bench_workloads: W6's 1000x50x50 products and W9's
  // 100x3072x10 ones made the whole step slower on two threads than on one; at 2e7 (with the
  // elementwise grain of 2^17) W1, W3, W6 and W9 gained 1.3-2.1x and W2, W4, W5 were unchanged;
  // 6e7 lost 25 % on W2.
  constexpr double kMinThreadedFlops = 2e7;
  const int threads = omp_get_max_threads();
  const bool single = threads > 1 && 2.0 * static_cast<double>(p.m) * static_cast<double>(p.n) *
                                             static_cast<double>(p.k) < kMinThreadedFlops;
  if (single) omp_set_num_threads(1);
  const dnnl_status_t status = dnnl_sgemm(p.trans_a ? 'T' : 'N', p.trans_b ? 'T' : 'N', p.m, p.n, p.k, p.alpha, p.a,
                                          p.lda, p.b, p.ldb, p.beta, p.c, p.ldc);
  if (single) omp_set_num_threads(threads);
  // Sizes were validated by the dispatch, so the only failure left is its scratch allocation.
  if (status == dnnl_out_of_memory) throw std::bad_alloc();
  NNLAB_DCHECK(status == dnnl_success);
}

}  // namespace nnlab::kernels::cpu
