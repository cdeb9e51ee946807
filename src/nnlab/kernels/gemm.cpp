// GEMM dispatch: turns views into BLAS-style problems (a column-major view becomes a
// transposed row-major one) and picks the backend by dtype and size.
#include "nnlab/kernels/gemm.h"

#include <algorithm>
#include <exception>
#include <type_traits>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/kernels/cpu/gemm_backends.h"
#include "nnlab/kernels/cpu/loops.h"
#include "nnlab/kernels/cpu/scratch.h"
#include "nnlab/kernels/unary.h"

namespace nnlab::kernels {
namespace {

// gemm_small runs a float32 product when it has at most kSmallMaxVolume multiply-adds
// (M·N·K) and op(B) has at most kSmallMaxPanel elements (K·N). bench_gemm's BM_SmallVsDnnl,
// fastest of 5 runs on the 2-core AVX-512 development machine, B plain / transposed, in us:
//                 1 thread: small   sgemm        2 threads: small   sgemm
//   16x64x64                0.67/0.82  0.90/2.05              0.66/0.78  0.92/2.12
//   64x64x64                2.69/3.42  2.89/3.98              2.59/3.23  6.48/7.67
//   72x72x72                5.08/5.81  4.20/5.79              5.16/5.90  7.58/8.85
//   128x128x128             29.8/28.3  19.4/21.3              21.7/23.2  17.5/24.2
// The limit is the one-thread crossover; with two threads oneDNN's synchronisation keeps the
// small kernel ahead up to ~96^3, so the limit errs towards oneDNN there. gemm_small does no
// cache blocking and re-streams op(B) for every strip of rows, so a large op(B) loses even for
// one row: 1x256x256 took 2.3 us against sgemm's 1.75 us (1 thread).
constexpr std::int64_t kSmallMaxVolume = 1 << 18;  // 64^3
constexpr std::int64_t kSmallMaxPanel = 1 << 14;   // 128^2
// Many rows through a narrow layer (N and K at most kNarrowMax, M at least kNarrowMinRows) also
// run on gemm_small, split across threads by rows like every product: BM_Mid, 1 thread on the
// 2-core Zen 4 machine, B transposed / plain, small vs sgemm in us: 500x50x50 26.2/24.0 vs
// 34.1/32.9 (sgemm's AVX-512 tiles spend a whole vector on N's last 2 columns, gemm_small dot
// products), 500x64x64 40.2/36.7 vs 42.5/41.3, 500x100x100 98.6/100.2 vs 113.5/107.8; at 128
// wide they tie (154.9/149.3 vs 156.2/146.3).
constexpr std::int64_t kNarrowMax = 100;
constexpr std::int64_t kNarrowMinRows = 256;
// Long dot products into few columns (x · Wᵀ of a layer with few outputs: N below
// kLongDotsMaxN, K at least kLongDotsMinK, M at most kLongDotsMaxRows) also run on gemm_small,
// whose dots form takes K in blocks that stay in L1. BM_Long, 1 thread on the 2-core AVX2
// machine, two sessions of four interleaved runs, small vs sgemm in us (median, min-max): the
// half of W9's product that each of two threads runs, 50x10x3072, 69 (66-73) vs 85 (75-102)
// and 82 (71-114) vs 88 (82-92); the whole 100x10x3072 128 (128-133) vs 164 (135-182), then
// 180 (142-189) vs 164 (150-175), a tie; logistic regression's 100x10x784 34 (29-39) vs 35
// (35-38); 1000x10x3072 ties (2.28 vs 1.8-2.3 ms), hence the row limit. W9 at its default two
// threads, old / new interleaved: the forward phase 99-205 / 92-120 us a step.
constexpr std::int64_t kLongDotsMaxN = 16;
constexpr std::int64_t kLongDotsMinK = 512;
constexpr std::int64_t kLongDotsMaxRows = 512;
// Products of at least kMinSplitFlops, or writing at least kMinSplitOutput elements of C, are
// split here into one part per thread, each part run by its backend on that thread alone, large
// ones too: sgemm's own team would wait for a thread that lost its core whenever another
// program is busy, where parallel_for runs the same parts on the caller (core/parallel.h). W2
// (products up to 64x784x512) ran as fast split as with the team on a quiet machine, and went
// from 0.5x to 0.84-0.96x of its one-thread speed with a busy loop on one of two cores.
// Measured on 2 cores with bench_workloads: sgemm's team made W6's 1000x50x50 products and W9's 100x3072x10 ones slower
// than one thread (its threading is tuned for large products), while the split gained 23 % on
// W6 and W2 and took a third off W9's forward and backward time. Splitting W6's 1000x50 outer
// products (K = 1) too gained another 8 %: each thread then writes the half of the rows that the
// next split product and elementwise op read on that thread. Below both thresholds waking a
// thread costs more than it saves.
constexpr double kMinSplitFlops = 2e6;
constexpr std::int64_t kMinSplitOutput = 1 << 15;
// Split parts are whole multiples of this many columns (a cache line of float32 C) when C is
// split by columns, so no two threads write one line.
constexpr std::int64_t kSplitColumnAlign = 16;
// A product into a C of at most kDepthSplitMaxOutput elements over a K of at least
// kDepthSplitMinDepth per thread is split along K instead: each thread sums its slice of K into
// a C of its own and the caller adds them up in thread order. Such are the weight gradient dYᵀ · X
// of a narrow layer at a large batch, whose K (the batch) the ops before it split by rows, so
// each thread reads the rows it wrote itself, and x · Wᵀ into few outputs from many inputs. On 2
// threads, interleaved runs of the old and new build: W6's 50x50x1000, us a call, by rows 107.7
// / 110.0 / 115.6, along K 86.5 / 105.6 / 98.6; W9's 100x10x3072, its forward phase over six
// pairs, median 158 us a step by rows, 140 along K (five of the six pairs faster).
constexpr std::int64_t kDepthSplitMaxOutput = 64 * 64;
constexpr std::int64_t kDepthSplitMinDepth = 256;
// float64 has no library path: past this size gemm_blocked (panel packing, threads) wins.
// BM_SmallVsBlockedF64, B plain / transposed: 80^3 small 11.5/12.1 us vs blocked 11.8/12.5 us
// (1 thread) and 11.7/12.0 vs 15.5/16.2 (2 threads); 128^3: 61/76 vs 39/41 (2 threads).
constexpr std::int64_t kSmallMaxVolumeF64 = 1 << 19;
// Multiply-adds per thread chunk when a batch of small products is split across threads;
// below it waking a thread costs more than it saves.
constexpr std::int64_t kBatchGrainVolume = 1 << 18;

// How a stored matrix is read: row-major with leading dim `ld`, `transposed` when the view is
// column-major (it is then the transpose of a row-major matrix).
struct Layout {
  bool valid = false;
  bool transposed = false;
  std::int64_t ld = 1;
};

Layout matrix_layout(std::int64_t rows, std::int64_t cols, std::int64_t row_stride, std::int64_t col_stride) {
  if ((cols <= 1 || col_stride == 1) && (rows <= 1 || row_stride >= std::max<std::int64_t>(cols, 1))) {
    return {true, false, rows <= 1 ? std::max<std::int64_t>(cols, 1) : row_stride};
  }
  if ((rows <= 1 || row_stride == 1) && (cols <= 1 || col_stride >= std::max<std::int64_t>(rows, 1))) {
    return {true, true, cols <= 1 ? std::max<std::int64_t>(rows, 1) : col_stride};
  }
  return {};
}

Layout matrix_layout(const ConstView& x) {
  const int r = x.shape.rank();
  return matrix_layout(x.shape[r - 2], x.shape[r - 1], x.strides[r - 2], x.strides[r - 1]);
}

// The problem for the last two dims of a, b and c (batch offsets are added by the caller).
template <typename T>
cpu::GemmProblem<T> make_problem(const ConstView& a, Transpose ta, const ConstView& b, Transpose tb, const MutView& c,
                                 double alpha, double beta) {
  const int r = c.shape.rank();
  const Layout la = matrix_layout(a), lb = matrix_layout(b);
  const Layout lc = matrix_layout(c.shape[r - 2], c.shape[r - 1], c.strides[r - 2], c.strides[r - 1]);
  NNLAB_DCHECK(la.valid && lb.valid && lc.valid && !lc.transposed);
  cpu::GemmProblem<T> p;
  p.trans_a = (ta == Transpose::yes) != la.transposed;
  p.trans_b = (tb == Transpose::yes) != lb.transposed;
  p.m = c.shape[r - 2];
  p.n = c.shape[r - 1];
  p.k = ta == Transpose::no ? a.shape[r - 1] : a.shape[r - 2];
  NNLAB_DCHECK(p.k == (tb == Transpose::no ? b.shape[r - 2] : b.shape[r - 1]));
  p.alpha = static_cast<T>(alpha);
  p.beta = static_cast<T>(beta);
  p.a = a.ptr<T>();
  p.lda = la.ld;
  p.b = b.ptr<T>();
  p.ldb = lb.ld;
  p.c = c.ptr<T>();
  p.ldc = lc.ld;
  return p;
}

template <typename T>
void run_backend(const cpu::GemmProblem<T>& p, GemmBackend backend) {
  switch (backend) {
    case GemmBackend::small: return cpu::gemm_small(p);
    case GemmBackend::blocked: return cpu::gemm_blocked(p);
    case GemmBackend::dnnl:
      if constexpr (std::is_same_v<T, float>) return cpu::gemm_dnnl_on_caller(p);
      break;
  }
  NNLAB_UNREACHABLE("kernels::gemm: backend for this dtype");
}

// The part of p that writes rows [begin, end) of C.
template <typename T>
cpu::GemmProblem<T> rows_of(cpu::GemmProblem<T> p, std::int64_t begin, std::int64_t end) {
  p.a += p.trans_a ? begin : begin * p.lda;
  p.c += begin * p.ldc;
  p.m = end - begin;
  return p;
}

// The part of p that writes columns [begin, end) of C.
template <typename T>
cpu::GemmProblem<T> columns_of(cpu::GemmProblem<T> p, std::int64_t begin, std::int64_t end) {
  p.b += p.trans_b ? begin * p.ldb : begin;
  p.c += begin;
  if (p.bias != nullptr) p.bias += begin * p.bias_stride;
  p.n = end - begin;
  return p;
}

// Applies the epilogue to the M x N of C that p writes.
template <typename T>
void apply_epilogue(const cpu::GemmProblem<T>& p, GemmEpilogue epilogue) {
  if (epilogue == GemmEpilogue::none || p.m == 0 || p.n == 0) return;
  // In place, by the ReLU kernel itself (the same bits, at the ISA's vector width), which takes
  // contiguous runs: C's rows as one run when nothing lies between them, else row by row (a part
  // of C split by columns; the rest of each row belongs to another thread).
  const bool one_run = p.ldc == p.n;
  const Shape run{one_run ? p.m * p.n : p.n}, unit{1};
  for (std::int64_t i = 0; i < (one_run ? 1 : p.m); ++i) {
    T* row = p.c + i * p.ldc;
    unary_forward(UnaryOp::relu, {}, ConstView{row, dtype_of<T>(), run, unit}, MutView{row, dtype_of<T>(), run, unit});
  }
}

// The part of p that sums K's slice [begin, end) into `partial` (M x N, contiguous), alone.
template <typename T>
cpu::GemmProblem<T> depth_slice_of(cpu::GemmProblem<T> p, std::int64_t begin, std::int64_t end, T* partial) {
  p.a += p.trans_a ? begin * p.lda : begin;
  p.b += p.trans_b ? begin : begin * p.ldb;
  p.k = end - begin;
  p.alpha = 1;
  p.beta = 0;
  p.c = partial;
  p.ldc = p.n;
  return p;
}

// C = alpha · (partial 0 + partial 1 + ...) + beta · C, the partials added in order.
template <typename T>
void add_partials(const cpu::GemmProblem<T>& p, const T* partials, int count) {
  const std::int64_t size = p.m * p.n;
  for (std::int64_t i = 0; i < p.m; ++i) {
    T* c = p.c + i * p.ldc;
    for (std::int64_t j = 0; j < p.n; ++j) {
      T sum = partials[i * p.n + j];
      for (int t = 1; t < count; ++t) sum += partials[t * size + i * p.n + j];
      c[j] = p.beta == T(0) ? p.alpha * sum : p.alpha * sum + p.beta * c[j];  // beta 0: C is not read
    }
  }
}

template <typename T>
bool split_along_depth(const cpu::GemmProblem<T>& p, int threads) {
  return p.bias == nullptr && p.alpha != T(0) && p.m * p.n <= kDepthSplitMaxOutput &&
         p.k >= kDepthSplitMinDepth * threads;
}

// One part per thread along C's longer side, or along K (split_along_depth). The parts depend
// only on the thread count, and each element of C is summed by one backend call over the whole
// of K (or its slices, added in a fixed order), so results do not depend on which thread ran
// which part. An error in a part (out of memory) is rethrown here.
template <typename T>
void run_split(const cpu::GemmProblem<T>& p, GemmBackend backend, GemmEpilogue epilogue, int threads) {
  std::exception_ptr error;
  const auto run = [&](const cpu::GemmProblem<T>& part, GemmEpilogue part_epilogue) {
    try {
      run_backend(part, backend);
      apply_epilogue(part, part_epilogue);
    } catch (...) {
#pragma omp critical(nnlab_gemm_split)
      if (!error) error = std::current_exception();
    }
  };
  if (split_along_depth(p, threads)) {
    const cpu::Scratch<T> partials(threads * p.m * p.n);
    parallel_for(0, threads, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t t = begin; t < end; ++t) {
        run(depth_slice_of(p, p.k * t / threads, p.k * (t + 1) / threads, partials.data() + t * p.m * p.n),
            GemmEpilogue::none);
      }
    });
    if (!error) {
      add_partials(p, partials.data(), threads);
      apply_epilogue(p, epilogue);
    }
  } else if (p.m >= p.n) {
    parallel_for(0, p.m, (p.m + threads - 1) / threads,
                 [&](std::int64_t begin, std::int64_t end) { run(rows_of(p, begin, end), epilogue); });
  } else {
    const std::int64_t blocks = (p.n + kSplitColumnAlign - 1) / kSplitColumnAlign;
    parallel_for(0, blocks, (blocks + threads - 1) / threads, [&](std::int64_t begin, std::int64_t end) {
      run(columns_of(p, begin * kSplitColumnAlign, std::min(end * kSplitColumnAlign, p.n)), epilogue);
    });
  }
  if (error) std::rethrow_exception(error);
}

template <typename T>
void run_one(const cpu::GemmProblem<T>& p, GemmBackend backend, GemmEpilogue epilogue = GemmEpilogue::none) {
  const double flops = 2.0 * static_cast<double>(p.m) * static_cast<double>(p.n) * static_cast<double>(p.k);
  // gemm_blocked splits its panels across the threads itself.
  const bool split = backend != GemmBackend::blocked && (flops >= kMinSplitFlops || p.m * p.n >= kMinSplitOutput);
  if (split && num_threads() > 1 && !omp_in_parallel()) return run_split(p, backend, epilogue, num_threads());
  run_backend(p, backend);
  apply_epilogue(p, epilogue);
}

// Small products are independent, so a batch of them is split across threads; larger ones
// run one after the other, each using every thread itself.
template <typename T>
void run_batch(const cpu::GemmProblem<T>& p, std::int64_t batch, std::int64_t stride_a, std::int64_t stride_b,
               std::int64_t stride_c) {
  const GemmBackend backend = choose_gemm_backend(dtype_of<T>(), p.m, p.n, p.k, !p.trans_a && p.trans_b);
  const auto run_range = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      cpu::GemmProblem<T> item = p;
      item.a += i * stride_a;
      item.b += i * stride_b;
      item.c += i * stride_c;
      run_one(item, backend);
    }
  };
  if (backend != GemmBackend::small) return run_range(0, batch);
  const std::int64_t volume = std::max<std::int64_t>(p.m * p.n * p.k, 1);
  parallel_for(0, batch, std::max<std::int64_t>(1, kBatchGrainVolume / volume), run_range);
}

}  // namespace

bool gemm_accepts(const ConstView& x) {
  const int r = x.shape.rank();
  if (r != 2 && r != 3) return false;
  return matrix_layout(x).valid && (r == 2 || x.strides[0] >= 0);
}

GemmBackend choose_gemm_backend(DType dtype, std::int64_t m, std::int64_t n, std::int64_t k, bool dots) {
  // An outer product (K = 1) only streams C, in one pass with its bias: gemm_small's own path.
  if (k == 1) return GemmBackend::small;
  const std::int64_t volume = m * n * k;
  if (dtype == DType::f32) {
    const bool small = volume <= kSmallMaxVolume && k * n <= kSmallMaxPanel;
    const bool narrow = m >= kNarrowMinRows && n <= kNarrowMax && k <= kNarrowMax;
    const bool long_dots = dots && n < kLongDotsMaxN && k >= kLongDotsMinK && m <= kLongDotsMaxRows;
    return small || narrow || long_dots ? GemmBackend::small : GemmBackend::dnnl;
  }
  return volume <= kSmallMaxVolumeF64 ? GemmBackend::small : GemmBackend::blocked;
}

void gemm(const ConstView& a, Transpose ta, const ConstView& b, Transpose tb, const MutView& c, double alpha,
          double beta, const ConstView& bias, GemmEpilogue epilogue) {
  NNLAB_DCHECK(a.shape.rank() == 2 && b.shape.rank() == 2 && c.shape.rank() == 2);
  NNLAB_DCHECK(a.dtype == c.dtype && b.dtype == c.dtype);
  NNLAB_DCHECK(bias.data == nullptr || (bias.dtype == c.dtype && bias.shape == Shape{c.shape[1]}));
  cpu::dispatch_floating(c.dtype, [&]<typename T>() {
    cpu::GemmProblem<T> p = make_problem<T>(a, ta, b, tb, c, alpha, beta);
    if (bias.data != nullptr) {
      p.bias = bias.ptr<T>();
      p.bias_stride = bias.strides[0];
    }
    run_one(p, choose_gemm_backend(c.dtype, p.m, p.n, p.k, !p.trans_a && p.trans_b), epilogue);
  });
}

void gemm_batched(const ConstView& a, Transpose ta, const ConstView& b, Transpose tb, const MutView& c, double alpha,
                  double beta) {
  NNLAB_DCHECK(a.shape.rank() == 3 && b.shape.rank() == 3 && c.shape.rank() == 3);
  NNLAB_DCHECK(a.shape[0] == c.shape[0] && b.shape[0] == c.shape[0]);
  NNLAB_DCHECK(a.dtype == c.dtype && b.dtype == c.dtype);
  cpu::dispatch_floating(c.dtype, [&]<typename T>() {
    const cpu::GemmProblem<T> p = make_problem<T>(a, ta, b, tb, c, alpha, beta);
    run_batch(p, c.shape[0], a.strides[0], b.strides[0], c.strides[0]);
  });
}

}  // namespace nnlab::kernels
