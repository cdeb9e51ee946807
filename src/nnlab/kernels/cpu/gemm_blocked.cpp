// Cache-blocked GEMM for large float64 products (oneDNN has no f64 GEMM on CPU).
// Legend: C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C.
// For each (K block, N block) panel of op(B), copied into column slabs so that every layout
// streams the same way, gemm_small's register tiles sweep the rows of C; rows are split
// across threads.
#include <algorithm>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/kernels/cpu/gemm_backends.h"

namespace nnlab::kernels::cpu {
namespace {

// K block: a slab (kBlockK rows of two vectors' width, 128 B each) is 32 KiB and stays in a
// 48 KiB L1 while four rows of A stream past it.
constexpr std::int64_t kBlockK = 256;
// N block: kBlockK x kBlockN float64 is 512 KiB of packed panel, held in a 1 MiB L2.
constexpr std::int64_t kBlockN = 256;
// Rows per thread chunk: enough work (kRowsGrain · kBlockK · kBlockN multiply-adds) to pay
// for waking a thread.
constexpr std::int64_t kRowsGrain = 16;

// Columns per slab: the width of gemm_small's widest 4-row tile (two 64-byte vectors).
template <typename T>
constexpr std::int64_t kSlab = 2 * 64 / sizeof(T);

// panel = op(B)[l0 .. l0+kb, j0 .. j0+nb) as consecutive slabs of kSlab columns, each slab
// (kb, width) row-major: a tile then reads its slab sequentially, with none of the cache-set
// conflicts that a power-of-two row stride causes (BM_SmallVsBlockedF64/blocked at 256^3,
// 1 thread: 0.83 ms with one row-major panel, 0.38 ms with slabs).
template <typename T>
void pack_b(const GemmProblem<T>& p, std::int64_t l0, std::int64_t kb, std::int64_t j0, std::int64_t nb,
            std::vector<T>& panel) {
  panel.resize(static_cast<std::size_t>(kb * nb));
  T* out = panel.data();
  for (std::int64_t s = 0; s < nb; s += kSlab<T>) {
    const std::int64_t width = std::min(kSlab<T>, nb - s);
    for (std::int64_t l = 0; l < kb; ++l, out += width) {
      const std::int64_t row = l0 + l, col = j0 + s;
      if (p.trans_b) {
        for (std::int64_t j = 0; j < width; ++j) out[j] = p.b[(col + j) * p.ldb + row];
      } else {
        std::copy_n(p.b + row * p.ldb + col, width, out);
      }
    }
  }
}

// C[:, j0 .. j0+nb) (+)= alpha · op(A)[:, l0 .. l0+kb) · panel, beta applied on the first K
// block only; each thread takes a range of rows through every slab.
template <typename T>
void panel_product(const GemmProblem<T>& p, std::int64_t l0, std::int64_t kb, std::int64_t j0, std::int64_t nb,
                   const std::vector<T>& panel) {
  parallel_for(0, p.m, kRowsGrain, [&](std::int64_t begin, std::int64_t end) {
    GemmProblem<T> tile = p;
    tile.m = end - begin;
    tile.k = kb;
    tile.a = p.trans_a ? p.a + l0 * p.lda + begin : p.a + begin * p.lda + l0;
    tile.trans_b = false;
    tile.beta = l0 == 0 ? p.beta : T(1);
    for (std::int64_t s = 0; s < nb; s += kSlab<T>) {
      tile.n = std::min(kSlab<T>, nb - s);
      tile.b = panel.data() + s * kb;
      tile.ldb = tile.n;
      tile.c = p.c + begin * p.ldc + j0 + s;
      gemm_small(tile);
    }
  });
}

}  // namespace

template <typename T>
void gemm_blocked(const GemmProblem<T>& p) {
  if (p.m == 0 || p.n == 0) return;
  if (p.bias != nullptr) return gemm_blocked(fold_bias(p));
  if (p.k == 0) return gemm_small(p);  // C = beta · C
  std::vector<T> panel;
  for (std::int64_t j0 = 0; j0 < p.n; j0 += kBlockN) {
    const std::int64_t nb = std::min(kBlockN, p.n - j0);
    for (std::int64_t l0 = 0; l0 < p.k; l0 += kBlockK) {
      const std::int64_t kb = std::min(kBlockK, p.k - l0);
      pack_b(p, l0, kb, j0, nb, panel);
      panel_product(p, l0, kb, j0, nb, panel);
    }
  }
}

template void gemm_blocked<float>(const GemmProblem<float>&);
template void gemm_blocked<double>(const GemmProblem<double>&);

}  // namespace nnlab::kernels::cpu
