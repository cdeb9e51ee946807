// gemm_small's kernels: tiles of C in vector registers, templated on the element type and the
// vector width (see gemm_small.cpp for the two forms and when each runs).
//
// Everything here has internal linkage on purpose: each including file compiles its own copy for
// the ISA of the functions it instantiates the tiles in (gemm_small.cpp: one entry point per ISA;
// gemm_small_widths.cpp: every width on the baseline ISA, for the tests). Shared inline copies
// could let the linker keep one compiled for an ISA the machine lacks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "nnlab/kernels/cpu/gemm_backends.h"

namespace nnlab::kernels::cpu {
namespace {  // internal linkage: see above

// One vector of `Bytes` bytes. Each ISA gets its own register width (see the entry points in
// gemm_small.cpp): GCC splits a vector wider than the machine's registers into pieces that it
// moves through the stack, which made the 64-byte tiles 37x slower under AVX2 (1000x50x50: 2.2 ms
// against 60 us at 32 bytes). The attribute cannot be applied to a dependent type, hence one partial
// specialisation per element type.
template <typename T, int Bytes>
struct Simd;
template <int Bytes>
struct Simd<float, Bytes> {
  typedef float Vec __attribute__((vector_size(Bytes)));
  typedef std::int32_t Index;
  typedef Index Mask __attribute__((vector_size(Bytes)));  // lane indices and lane selections
};
template <int Bytes>
struct Simd<double, Bytes> {
  typedef double Vec __attribute__((vector_size(Bytes)));
  typedef std::int64_t Index;
  typedef Index Mask __attribute__((vector_size(Bytes)));
};

// Everything below is always_inline so that it compiles into each ISA's entry point. No vector
// therefore crosses a call boundary, and GCC's note that passing one would change the ABI does
// not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

// op(A)(i, l) lives at a[i * row + l * col].
template <typename T>
struct OpA {
  const T* a;
  std::int64_t row, col;
  explicit OpA(const GemmProblem<T>& p) : a(p.a), row(p.trans_a ? 1 : p.lda), col(p.trans_a ? p.lda : 1) {}
  [[gnu::always_inline]] T operator()(std::int64_t i, std::int64_t l) const { return a[i * row + l * col]; }
};

// The NV vectors of one tile: vector v < NV - 1 covers columns first + v·V .. + V of b and c,
// the last one columns last .. last + V. Normally last = first + (NV - 1)·V; when n is not a
// multiple of V a row's last vector starts at n - V instead and overlaps the one before it: it
// is computed whole (no copy of B) and only its lanes from `keep_from` on are stored.
struct TileColumns {
  std::int64_t first = 0, last = 0;
  int keep_from = 0;
};

// Lane `lane` of the fold that merges vectors p and q, each holding groups of `group` lanes
// (one group per accumulator), into one vector of twice the groups at half the size: lanes
// 0 .. V/2 take p's groups, the rest q's; `half` picks each group's low or high half.
constexpr int fold_lane(int lane, int group, int width, int half) {
  const int from_q = lane >= width / 2 ? 1 : 0;
  const int j = lane - from_q * width / 2;
  const int h = group / 2;
  return from_q * width + (j / h) * group + half * h + j % h;
}

// op(X) copied row-major into `packed` (X (rows, cols) after op), for the layouts neither form reads.
template <typename T>
const T* pack(const T* x, std::int64_t ld, bool trans, std::int64_t rows, std::int64_t cols, std::vector<T>& packed) {
  packed.resize(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) packed[r * cols + c] = trans ? x[c * ld + r] : x[r * ld + c];
  }
  return packed.data();
}

// K == 0: the product is empty and C = beta · C.
template <typename T>
void scale_c(const GemmProblem<T>& p) {
  for (std::int64_t i = 0; i < p.m; ++i) {
    for (std::int64_t j = 0; j < p.n; ++j) {
      T& c = p.c[i * p.ldc + j];
      c = p.beta != T(0) ? p.beta * c : T(0);
    }
  }
}

// The kernels on vectors of `Bytes` bytes (V elements).
template <typename T, int Bytes>
struct Tiles {
  using Vec = typename Simd<T, Bytes>::Vec;
  using Mask = typename Simd<T, Bytes>::Mask;
  using Index = typename Simd<T, Bytes>::Index;
  static constexpr int V = Bytes / sizeof(T);

  template <std::size_t... Lane>
  [[gnu::always_inline]] static constexpr Mask lane_index(std::index_sequence<Lane...>) {
    return Mask{static_cast<Index>(Lane)...};
  }

  [[gnu::always_inline]] static Vec load(const T* p) {
    Vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  [[gnu::always_inline]] static void store(T* p, Vec v) { std::memcpy(p, &v, sizeof v); }

  // c = alpha · acc + beta · c, reading c only when beta != 0.
  [[gnu::always_inline]] static void finish(const GemmProblem<T>& p, T* c, Vec acc) {
    Vec out = acc * p.alpha;
    if (p.beta != T(0)) out += load(c) * p.beta;
    store(c, out);
  }

  // finish for lanes `from` .. V only (the others belong to a vector stored before).
  [[gnu::always_inline]] static void finish_lanes(const GemmProblem<T>& p, T* c, Vec acc, int from) {
    T out[V];
    store(out, p.beta != T(0) ? acc * p.alpha + load(c) * p.beta : acc * p.alpha);
    for (int s = from; s < V; ++s) c[s] = out[s];
  }

  [[gnu::always_inline]] static void finish(const GemmProblem<T>& p, T* c, T acc) {
    *c = p.beta != T(0) ? p.alpha * acc + p.beta * *c : p.alpha * acc;
  }

  // --- rows form (B not transposed) ---

  // c[i0 + r, columns] (rows ldc apart) = finish(Σ_l op(A)(i0 + r, l) · b[l, columns])   (b rows ldb apart)
  // A single row with fewer than four vectors has too few FMA chains to hide their latency: it
  // then keeps U partial sums over interleaved l, added up at the end.
  template <int R, int NV, bool Overlap = false>
  [[gnu::always_inline]] static void rows_tile(const GemmProblem<T>& p, std::int64_t i0, const T* b, std::int64_t ldb,
                                               T* c, std::int64_t ldc, TileColumns cols) {
    constexpr int U = R == 1 && NV < 4 ? 4 / NV : 1;
    const OpA<T> a(p);
    const auto column = [&](int v) { return v + 1 < NV || !Overlap ? cols.first + v * V : cols.last; };
    Vec acc[U][R][NV] = {};
    std::int64_t l = 0;
    for (; l + U <= p.k; l += U) {
      for (int u = 0; u < U; ++u) {
        const T* row = b + (l + u) * ldb;
        Vec bv[NV];
        for (int v = 0; v < NV; ++v) bv[v] = load(row + column(v));
        for (int r = 0; r < R; ++r) {
          const T av = a(i0 + r, l + u);
          for (int v = 0; v < NV; ++v) acc[u][r][v] += av * bv[v];
        }
      }
    }
    if constexpr (U > 1) {  // only when R == 1
      for (; l < p.k; ++l) {
        for (int v = 0; v < NV; ++v) acc[0][0][v] += a(i0, l) * load(b + l * ldb + column(v));
      }
      for (int u = 1; u < U; ++u) {
        for (int v = 0; v < NV; ++v) acc[0][0][v] += acc[u][0][v];
      }
    }
    for (int r = 0; r < R; ++r) {
      T* c_row = c + r * ldc;
      for (int v = 0; v + 1 < NV; ++v) finish(p, c_row + column(v), acc[0][r][v]);
      if constexpr (Overlap) {
        finish_lanes(p, c_row + cols.last, acc[0][r][NV - 1], cols.keep_from);
      } else {
        finish(p, c_row + column(NV - 1), acc[0][r][NV - 1]);
      }
    }
  }

  // A tile of `count` (1 .. NV) vectors, so that a strip's last tile takes what is left in one pass.
  template <int R, int NV>
  [[gnu::always_inline]] static void rows_tile_of(int count, const GemmProblem<T>& p, std::int64_t i0, T* c,
                                                  TileColumns cols) {
    if constexpr (NV > 1) {
      if (count < NV) return rows_tile_of<R, NV - 1>(count, p, i0, c, cols);
    }
    if (cols.keep_from == 0) return rows_tile<R, NV>(p, i0, p.b, p.ldb, c, p.ldc, cols);
    rows_tile<R, NV, true>(p, i0, p.b, p.ldb, c, p.ldc, cols);
  }

  // Rows i0 .. i0+R across all of N (n >= V): full tiles of NV vectors, then one with the rest.
  template <int R, int NV>
  [[gnu::always_inline]] static void rows_strip(const GemmProblem<T>& p, std::int64_t i0) {
    T* c = p.c + i0 * p.ldc;
    const std::int64_t vectors = (p.n + V - 1) / V;
    std::int64_t first = 0;
    for (; first + NV < vectors; first += NV) {
      rows_tile<R, NV>(p, i0, p.b, p.ldb, c, p.ldc, {first * V, (first + NV - 1) * V, 0});
    }
    const int count = static_cast<int>(vectors - first);
    rows_tile_of<R, NV>(count, p, i0, c, {first * V, p.n - V, static_cast<int>(vectors * V - p.n)});
  }

  // Rows i0 .. i0+R of a product narrower than a vector (n < V): `padded_b` holds B's columns
  // zero-padded to V (K rows of V); the tile is computed into V-wide scratch rows and only the
  // real columns are copied back.
  template <int R>
  [[gnu::always_inline]] static void rows_narrow(const GemmProblem<T>& p, std::int64_t i0, const T* padded_b) {
    T scratch[R][V] = {};
    T* c = p.c + i0 * p.ldc;
    if (p.beta != T(0)) {
      for (int r = 0; r < R; ++r) std::memcpy(scratch[r], c + r * p.ldc, p.n * sizeof(T));
    }
    rows_tile<R, 1>(p, i0, padded_b, V, &scratch[0][0], V, TileColumns{});
    for (int r = 0; r < R; ++r) std::memcpy(c + r * p.ldc, scratch[r], p.n * sizeof(T));
  }

  // --- dots form (A not transposed, B transposed) ---

  // The K tail of a dot product (k % V elements, k >= V) is read as the last full vector
  // [k - V, k), whose first lanes were already summed: tail_lanes marks the fresh ones and
  // `only` zeroes the rest, in both operands so that an inf already counted cannot make 0 · inf.
  [[gnu::always_inline]] static Mask tail_lanes(std::int64_t fresh) {
    const auto first_fresh = static_cast<Index>(V - fresh);
    return lane_index(std::make_index_sequence<V>{}) >= first_fresh;
  }

  [[gnu::always_inline]] static Vec only(Mask keep, Vec v) { return keep ? v : Vec{}; }

  template <int Group, std::size_t... Lane>
  [[gnu::always_inline]] static Vec fold_pair(Vec p, Vec q, std::index_sequence<Lane...>) {
#if defined(__clang__)  // clang has no __builtin_shuffle; its shufflevector takes the lanes as constants
    return __builtin_shufflevector(p, q, fold_lane(Lane, Group, V, 0)...) +
           __builtin_shufflevector(p, q, fold_lane(Lane, Group, V, 1)...);
#else
    const Mask low = {fold_lane(Lane, Group, V, 0)...};
    const Mask high = {fold_lane(Lane, Group, V, 1)...};
    return __builtin_shuffle(p, q, low) + __builtin_shuffle(p, q, high);
#endif
  }

  // acc[0] lane s = the sum of the lanes of acc[s], for s < V (acc[1 ..] are clobbered).
  template <int Group = V>
  [[gnu::always_inline]] static void fold_sums(Vec* acc) {
    if constexpr (Group > 1) {
      for (int s = 0; s < Group / 2; ++s) {
        acc[s] = fold_pair<Group>(acc[2 * s], acc[2 * s + 1], std::make_index_sequence<V>{});
      }
      fold_sums<Group / 2>(acc);
    }
  }

  // C[i0 .. i0+R, j0 .. j0+S) = finish(A rows i0 .. · Bₛ rows j0 ..), R·S = V dot products:
  // R A loads and S B loads feed R·S FMAs per step, and the fold leaves C(i0+r, j0+s) in lane r·S+s.
  template <int R, int S>
  [[gnu::always_inline]] static void dots_tile(const GemmProblem<T>& p, std::int64_t i0, std::int64_t j0) {
    static_assert(R * S == V);
    const T* a = p.a + i0 * p.lda;
    const T* b = p.b + j0 * p.ldb;
    Vec acc[V] = {};
    const std::int64_t k_vec = p.k - p.k % V;
    for (std::int64_t l = 0; l < k_vec; l += V) {
      Vec av[R], bv[S];
      for (int r = 0; r < R; ++r) av[r] = load(a + r * p.lda + l);
      for (int s = 0; s < S; ++s) bv[s] = load(b + s * p.ldb + l);
      for (int r = 0; r < R; ++r) {
        for (int s = 0; s < S; ++s) acc[r * S + s] += av[r] * bv[s];
      }
    }
    if (k_vec < p.k) {
      const Mask fresh = tail_lanes(p.k - k_vec);
      const std::int64_t l = p.k - V;
      Vec av[R], bv[S];
      for (int r = 0; r < R; ++r) av[r] = only(fresh, load(a + r * p.lda + l));
      for (int s = 0; s < S; ++s) bv[s] = only(fresh, load(b + s * p.ldb + l));
      for (int r = 0; r < R; ++r) {
        for (int s = 0; s < S; ++s) acc[r * S + s] += av[r] * bv[s];
      }
    }
    fold_sums(acc);
    Vec out = acc[0] * p.alpha;
    T* c = p.c + i0 * p.ldc + j0;
    T lanes[V];
    if (p.beta != T(0)) {
      for (int r = 0; r < R; ++r) std::memcpy(lanes + r * S, c + r * p.ldc, S * sizeof(T));
      out += load(lanes) * p.beta;
    }
    store(lanes, out);
    for (int r = 0; r < R; ++r) std::memcpy(c + r * p.ldc, lanes + r * S, S * sizeof(T));
  }

  // C[i, j] for a single column (the last n % S): one dot product, lanes summed in a fixed order.
  [[gnu::always_inline]] static void dots_single(const GemmProblem<T>& p, std::int64_t i, std::int64_t j) {
    const T* a = p.a + i * p.lda;
    const T* b = p.b + j * p.ldb;
    Vec acc = {};
    const std::int64_t k_vec = p.k - p.k % V;
    for (std::int64_t l = 0; l < k_vec; l += V) acc += load(a + l) * load(b + l);
    if (k_vec < p.k) {
      const Mask fresh = tail_lanes(p.k - k_vec);
      acc += only(fresh, load(a + p.k - V)) * only(fresh, load(b + p.k - V));
    }
    T total = 0;
    for (int s = 0; s < V; ++s) total += acc[s];
    finish(p, p.c + i * p.ldc + j, total);
  }

  // Rows i0 .. i0+R: tiles of S columns, then single columns.
  template <int R, int S>
  [[gnu::always_inline]] static void dots_strip(const GemmProblem<T>& p, std::int64_t i0) {
    std::int64_t j = 0;
    for (; j + S <= p.n; j += S) dots_tile<R, S>(p, i0, j);
    for (; j < p.n; ++j) {
      for (int r = 0; r < R; ++r) dots_single(p, i0 + r, j);
    }
  }

  // Tiles of S columns by V / S rows, then single dot products for the rows left over.
  template <int S>
  [[gnu::always_inline]] static void dots_narrow(const GemmProblem<T>& q) {
    constexpr int R = V / S;
    std::int64_t i = 0;
    for (; i + R <= q.m; i += R) dots_strip<R, S>(q, i);
    for (; i < q.m; ++i) {
      for (std::int64_t j = 0; j < q.n; ++j) dots_single(q, i, j);
    }
  }

  // All columns of q (B transposed) in tiles of S columns by V / S rows, the last q.n % S
  // columns in tiles half as wide and twice as tall, and so on: every tile keeps V dot products
  // in flight. A column left to dots_single (one FMA chain) runs at a quarter of the tiles' rate:
  // W1's 784 -> 30 layer at batch 10 (columns 28 and 29 after seven 4-wide tiles) took 8.6 us
  // against 10.5-11.9 us with single dot products, 1 thread on AVX2 (interleaved runs).
  template <int S>
  [[gnu::always_inline]] static void dots_halving(GemmProblem<T> q) {
    const std::int64_t body = q.n - q.n % S;
    if (body > 0) {
      GemmProblem<T> part = q;
      part.n = body;
      dots_narrow<S>(part);
      q.b += body * q.ldb;
      q.c += body;
      q.n -= body;
    }
    if constexpr (S > 1) {
      if (q.n > 0) dots_halving<S / 2>(q);
    }
  }

  // Tiles of R x 4 (float32 at 64 bytes: 4 x 4, 8 loads per 16 FMAs; at 32 bytes 2 x 4), 1 x V
  // when V < 4, narrower ones for the last n % 4 columns (dots_halving). The rows left over
  // (m % R, a batch of one) get 1 x V.
  [[gnu::always_inline]] static void dots_block(const GemmProblem<T>& p) {
    constexpr int S = V >= 4 ? 4 : V;
    constexpr int R = V / S;
    GemmProblem<T> body = p;
    body.m = p.m - p.m % R;
    if (body.m > 0) dots_halving<S>(body);
    for (std::int64_t i = body.m; i < p.m; ++i) dots_strip<1, V>(p, i);
  }

  // Long dot products run in blocks of K (the last block takes the rest), each adding onto C,
  // with the block's rows of B copied next to each other: they then stay in L1 while every tile
  // of every strip reads them. Rows of B whose stride is a multiple of 4 KiB (W9's 3072 -> 10
  // layer) all fall into one set of L1's and were read from L2 by every strip, blocked or not.
  // BM_Long, 1 thread on AVX2, 100x10x3072 B transposed, interleaved: 215 us before (the rows
  // form on a copy of Bᵀ), 150-180 us in blocks of 1 KiB, 140-150 in 2 KiB, 154-178 in 4 KiB.
  static constexpr std::int64_t kDotsBlock = 2048 / sizeof(T);
  [[gnu::always_inline]] static void dots_form(const GemmProblem<T>& p) {
    if (p.k < 2 * kDotsBlock) return dots_block(p);
    thread_local std::vector<T> block;  // the block's rows of B, contiguous
    block.resize(static_cast<std::size_t>(p.n * 2 * kDotsBlock));
    GemmProblem<T> q = p;
    q.b = block.data();
    for (std::int64_t l = 0; l < p.k; l += q.k) {
      q.k = p.k - l < 2 * kDotsBlock ? p.k - l : kDotsBlock;
      q.ldb = q.k;
      for (std::int64_t j = 0; j < p.n; ++j) std::memcpy(&block[j * q.k], p.b + j * p.ldb + l, q.k * sizeof(T));
      q.a = p.a + l;
      dots_block(q);
      q.beta = 1;
    }
  }

  // Columns j0 .. n of C (B not transposed) as dot products: those columns of B are copied as
  // rows of Bᵀ (A must not be transposed, and K at least a vector).
  [[gnu::always_inline]] static void dots_columns(const GemmProblem<T>& p, std::int64_t j0, std::vector<T>& scratch) {
    const std::int64_t t = p.n - j0;
    scratch.resize(static_cast<std::size_t>(t * p.k));
    for (std::int64_t l = 0; l < p.k; ++l) {
      for (std::int64_t s = 0; s < t; ++s) scratch[s * p.k + l] = p.b[l * p.ldb + j0 + s];
    }
    GemmProblem<T> q = p;
    q.b = scratch.data();
    q.ldb = p.k;
    q.trans_b = true;
    q.c = p.c + j0;
    q.n = t;
    dots_form(q);
  }

  // All rows of p (n >= V): four rows share each B load; a single row gets four vectors so that
  // enough independent FMA chains are in flight for a batch of 1. The last one to three rows go
  // in one strip, as each strip reads all of B again (dYᵀ · x of W9 has 10 rows, which were two
  // strips of four and two single rows).
  [[gnu::always_inline]] static void rows_panel(const GemmProblem<T>& p) {
    std::int64_t i = 0;
    for (; i + 4 <= p.m; i += 4) rows_strip<4, 2>(p, i);
    if (p.m - i == 3) rows_strip<3, 3>(p, i);
    if (p.m - i == 2) rows_strip<2, 4>(p, i);
    if (p.m - i == 1) rows_strip<1, 4>(p, i);
  }

  // B is read in panels of columns of about this size (see rows_form). With the strips above,
  // BM_Long's 10x3072x100 (A transposed, B 1.2 MB) took 200 us against 265 us before, 1 thread on
  // AVX2 (interleaved runs); sgemm ran it in 158 us that day, and keeps it.
  static constexpr std::int64_t kRowsPanelBytes = 128 << 10;

  // A tail of at most half a vector past the last full one (W6's N = 50 = 3·16 + 2) goes to dot
  // products: an overlapping last vector would spend a whole vector's multiply-adds on those few
  // columns (a quarter of the work at N = 50).
  [[gnu::always_inline]] static void rows_form(const GemmProblem<T>& p, std::vector<T>& scratch) {
    std::int64_t i = 0;
    if (p.n >= V) {
      const std::int64_t tail = p.n % V;
      const bool dots_tail = tail != 0 && tail <= V / 2 && !p.trans_a && p.k >= V;
      GemmProblem<T> body = p;
      if (dots_tail) body.n -= tail;
      // Every strip of rows reads the whole of B: a B larger than L2 goes in panels of columns
      // that stay there while all the strips read them (the last panel takes the rest).
      const std::int64_t panel = std::max<std::int64_t>(kRowsPanelBytes / (p.k * sizeof(T)) / V * V, 4 * V);
      GemmProblem<T> part = body;
      for (std::int64_t j = 0; j < body.n; j += part.n) {
        part.n = body.n - j < 2 * panel ? body.n - j : panel;
        part.b = body.b + j, part.c = body.c + j;
        rows_panel(part);
      }
      if (dots_tail) dots_columns(p, body.n, scratch);
      return;
    }
    scratch.assign(static_cast<std::size_t>(p.k * V), T(0));
    for (std::int64_t l = 0; l < p.k; ++l) std::memcpy(&scratch[l * V], p.b + l * p.ldb, p.n * sizeof(T));
    for (; i + 4 <= p.m; i += 4) rows_narrow<4>(p, i, scratch.data());
    for (; i < p.m; ++i) rows_narrow<1>(p, i, scratch.data());
  }

  // --- choosing the form ---

  // K == 1: C = alpha · a bᵀ + beta · C + bias, an outer product that only streams C (a layer
  // with one input feature, or the gradient through a layer with one output), bias included so
  // that C is written once. op(B) and the bias are made contiguous first when they are strided.
  [[gnu::always_inline]] static void outer_product(const GemmProblem<T>& p, std::vector<T>& scratch) {
    const bool strided_b = p.trans_b && p.n > 1 && p.ldb != 1;
    const bool strided_bias = p.bias != nullptr && p.bias_stride != 1;
    scratch.resize(static_cast<std::size_t>((strided_b ? p.n : 0) + (strided_bias ? p.n : 0)));
    const T* b = p.b;
    const T* bias = p.bias;
    T* free = scratch.data();
    if (strided_b) {
      for (std::int64_t j = 0; j < p.n; ++j) free[j] = p.b[j * p.ldb];
      b = std::exchange(free, free + p.n);
    }
    if (strided_bias) {
      for (std::int64_t j = 0; j < p.n; ++j) free[j] = p.bias[j * p.bias_stride];
      bias = free;
    }
    for (std::int64_t i = 0; i < p.m; ++i) {
      const T ai = p.alpha * (p.trans_a ? p.a[i] : p.a[i * p.lda]);
      T* c = p.c + i * p.ldc;
      if (p.beta == T(0) && bias == nullptr) {
        for (std::int64_t j = 0; j < p.n; ++j) c[j] = ai * b[j];
      } else if (p.beta == T(0)) {
        for (std::int64_t j = 0; j < p.n; ++j) c[j] = ai * b[j] + bias[j];
      } else {
        for (std::int64_t j = 0; j < p.n; ++j) c[j] = ai * b[j] + (p.beta * c[j] + (bias ? bias[j] : T(0)));
      }
    }
  }

  // float64 dots tiles are only 2 x 4 (8 lanes per vector). With this many rows the copy of Bᵀ
  // (K·N moves against 16·K·N multiply-adds) is amortised and rows tiles win: BM_SmallVsBlockedF64
  // /small with B transposed went from 1.9 to 0.9 us at 32^3 and from 13.3 to 6.5 us at 64^3.
  static constexpr std::int64_t kPackRowsF64 = 16;
  // float32 likewise from this many rows: BM_Mid, 1 thread, 500x50x50 with B transposed (x · Wᵀ
  // of W6's middle layer) took 43 us in dots tiles against 32 us with B plain.
  static constexpr std::int64_t kPackRowsF32 = 64;
  // Dot products of at least this many vectors count as long (see small_product).
  static constexpr std::int64_t kLongDots = 4;

  [[gnu::always_inline]] static void small_product(const GemmProblem<T>& p) {
    if (p.m == 0 || p.n == 0) return;
    if (p.k == 0) return scale_c(p);
    // Per-thread scratch: batched products call this from several threads at once.
    thread_local std::vector<T> scratch, packed;
    if (p.k == 1) return outer_product(p, scratch);
    GemmProblem<T> q = p;
    if (q.n == 1 && q.m > 1 && q.ldc == 1) {
      // A single column (a matrix-vector product) runs as its transpose, the row Cᵀ = op(B)ᵀ ·
      // op(A)ᵀ, where vectors run along M instead of idling in one lane per row.
      q.m = p.n, q.n = p.m;
      q.a = p.b, q.lda = p.ldb, q.trans_a = !p.trans_b;
      q.b = p.a, q.ldb = p.lda, q.trans_b = !p.trans_a;
      q.ldc = q.n;
    }
    // Long dot products into fewer columns than two vectors (or 16, the limit up to which
    // kernels::gemm sends such products here) stay dots: rows tiles would hold one or two vectors
    // per row (too few FMA chains), after a copy of all of B.
    const bool long_dots = !q.trans_a && q.n < std::max(2 * V, 16) && q.k >= kLongDots * V;
    if (q.trans_b && !long_dots && (q.k < V || q.m >= (sizeof(T) == 8 ? kPackRowsF64 : kPackRowsF32))) {
      // Use rows on a copy of Bᵀ (K x N) when dot products are shorter than a vector (most lanes
      // would idle) or when enough rows share the copy (see kPackRowsF64, kPackRowsF32).
      q.b = pack(q.b, q.ldb, true, q.k, q.n, packed);
      q.ldb = q.n;
      q.trans_b = false;
    }
    if (!q.trans_b) return rows_form(q, scratch);
    if (q.trans_a) {  // Aᵀ · Bᵀ: both arrive as transposed views (rare); copy op(A) once
      q.a = pack(q.a, q.lda, true, q.m, q.k, packed);
      q.lda = q.k;
      q.trans_a = false;
    }
    dots_form(q);
  }
};

}  // namespace
}  // namespace nnlab::kernels::cpu
