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
#include "nnlab/core/parallel.h"
#include "nnlab/kernels/cpu/gemm_backends.h"

namespace nnlab::kernels::cpu {
namespace {

void check(dnnl_status_t status) {
  // Sizes were validated by the dispatch, so the only failure left is its scratch allocation.
  if (status == dnnl_out_of_memory) throw std::bad_alloc();
  NNLAB_DCHECK(status == dnnl_success);
}

// dnnl_sgemm on p, bias included.
dnnl_status_t sgemm(const GemmProblem<float>& problem) {
  const GemmProblem<float> p = fold_bias(problem);
  return dnnl_sgemm(p.trans_a ? 'T' : 'N', p.trans_b ? 'T' : 'N', p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb,
                    p.beta, p.c, p.ldc);
}

}  // namespace

void gemm_dnnl(const GemmProblem<float>& p) {
  const double flops = 2.0 * static_cast<double>(p.m) * static_cast<double>(p.n) * static_cast<double>(p.k);
  if (flops >= kSgemmMinTeamFlops && num_threads() > 1 && !omp_in_parallel()) return check(sgemm(p));
  gemm_dnnl_on_caller(p);
}

void gemm_dnnl_on_caller(const GemmProblem<float>& p) {
  if (p.m == 0 || p.n == 0) return;
  if (p.k == 0) return gemm_small(p);  // sgemm returns early on K = 0 without applying beta
  const int threads = num_threads();
  // In a parallel region sgemm runs on the calling thread anyway (nested teams get one thread).
  if (threads <= 1 || omp_in_parallel()) return check(sgemm(p));
  omp_set_num_threads(1);
  const dnnl_status_t status = sgemm(p);
  omp_set_num_threads(threads);
  check(status);
}

}  // namespace nnlab::kernels::cpu
