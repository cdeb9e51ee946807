// float32 GEMM through oneDNN's dnnl_sgemm (row-major BLAS interface).
// dnnl_sgemm rather than a matmul primitive cached by shape: bench_gemm's BM_DnnlOverhead
// (x · Wᵀ shapes, memory objects reused as a cache would) measured a 1x16x16 call at 0.11 us
// against 0.39 us, and 128^3 and 512^3 products within 2% of each other (1 thread). The
// primitive is faster only in between (16x64x64: 1.15 vs 2.0 us), where gemm_small runs
// instead (0.8 us). sgemm also takes leading dims and beta directly, so nothing is cached.
#include <omp.h>

#include <algorithm>
#include <new>

#include <oneapi/dnnl/dnnl.h>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/kernels/cpu/gemm_backends.h"

namespace nnlab::kernels::cpu {
namespace {

// Products from kMinSplitFlops to kMinTeamFlops, or writing at least kMinSplitOutput elements of
// C, are split here into one part per thread, each part one single-threaded sgemm; larger ones go
// to sgemm whole, on its own team. Measured on 2 cores with bench_workloads: sgemm's team made
// W6's 1000x50x50 products and W9's 100x3072x10 ones slower than one thread (its threading is
// tuned for large products), while the split gained 23 % on W6 and W2 and took a third off W9's
// forward and backward time. Splitting W6's 1000x50 outer products (K = 1, 1e5 FLOP) too gained
// another 8 %: each thread then writes the half of the rows that the next split product and
// elementwise op read on that thread. Below both thresholds waking a thread costs more than it
// saves. 6e7 for the team lost 25 % on W2 against 2e7.
constexpr double kMinSplitFlops = 2e6;
constexpr double kMinTeamFlops = 2e7;
constexpr std::int64_t kMinSplitOutput = 1 << 15;
// Split parts are whole multiples of this many columns (a cache line of C) when C is split
// by columns, so no two threads write one line.
constexpr std::int64_t kColumnAlign = 16;

void check(dnnl_status_t status) {
  // Sizes were validated by the dispatch, so the only failure left is its scratch allocation.
  if (status == dnnl_out_of_memory) throw std::bad_alloc();
  NNLAB_DCHECK(status == dnnl_success);
}

// The product on its own team (or the calling thread in a parallel region), bias included.
dnnl_status_t sgemm(const GemmProblem<float>& problem) {
  const GemmProblem<float> p = fold_bias(problem);
  return dnnl_sgemm(p.trans_a ? 'T' : 'N', p.trans_b ? 'T' : 'N', p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb,
                    p.beta, p.c, p.ldc);
}

// sgemm on the calling thread alone, also outside a parallel region.
dnnl_status_t sgemm_one_thread(const GemmProblem<float>& p) {
  if (omp_in_parallel()) return sgemm(p);  // nested regions get one thread
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const dnnl_status_t status = sgemm(p);
  omp_set_num_threads(threads);
  return status;
}

// The part of p that writes rows [begin, end) of C.
GemmProblem<float> rows_of(GemmProblem<float> p, std::int64_t begin, std::int64_t end) {
  p.a += p.trans_a ? begin : begin * p.lda;
  p.c += begin * p.ldc;
  p.m = end - begin;
  return p;
}

// The part of p that writes columns [begin, end) of C.
GemmProblem<float> columns_of(GemmProblem<float> p, std::int64_t begin, std::int64_t end) {
  p.b += p.trans_b ? begin * p.ldb : begin;
  p.c += begin;
  if (p.bias != nullptr) p.bias += begin * p.bias_stride;
  p.n = end - begin;
  return p;
}

// One part per thread along C's longer side. The parts depend only on the thread count, and
// each element of C is summed by one sgemm over the whole of K, so results do not depend on
// which thread ran which part.
void sgemm_split(const GemmProblem<float>& p, int threads) {
  dnnl_status_t status = dnnl_success;
  const auto run = [&](const GemmProblem<float>& part) {
    const dnnl_status_t s = sgemm(part);
    if (s != dnnl_success) {
#pragma omp critical(nnlab_sgemm_split)
      status = s;
    }
  };
  if (p.m >= p.n) {
    parallel_for(0, p.m, (p.m + threads - 1) / threads,
                 [&](std::int64_t begin, std::int64_t end) { run(rows_of(p, begin, end)); });
  } else {
    const std::int64_t blocks = (p.n + kColumnAlign - 1) / kColumnAlign;
    parallel_for(0, blocks, (blocks + threads - 1) / threads, [&](std::int64_t begin, std::int64_t end) {
      run(columns_of(p, begin * kColumnAlign, std::min(end * kColumnAlign, p.n)));
    });
  }
  check(status);
}

}  // namespace

void gemm_dnnl(const GemmProblem<float>& p) {
  if (p.m == 0 || p.n == 0) return;
  if (p.k == 0) return gemm_small(p);  // sgemm returns early on K = 0 without applying beta
  const double flops = 2.0 * static_cast<double>(p.m) * static_cast<double>(p.n) * static_cast<double>(p.k);
  const int threads = num_threads();
  if (threads <= 1 || omp_in_parallel() || flops >= kMinTeamFlops) return check(sgemm(p));
  if (flops < kMinSplitFlops && p.m * p.n < kMinSplitOutput) return check(sgemm_one_thread(p));
  sgemm_split(p, threads);
}

}  // namespace nnlab::kernels::cpu
