// GEMM backends and dispatch against the naive reference twin, over shapes, transposes,
// padded leading dims, alpha/beta, and sizes on both sides of the small/oneDNN crossover.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "kernels/gemm_small_widths.h"
#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"
#include "nnlab/kernels/cpu/gemm_backends.h"
#include "nnlab/kernels/gemm.h"

namespace nnlab::kernels {
namespace {

using cpu::GemmProblem;

struct Case {
  std::int64_t m, n, k;
};

// Degenerate, odd, vector-width-straddling and layer-like shapes.
const std::vector<Case> kShapes = {
    {1, 1, 1},   {1, 16, 16}, {1, 64, 64},  {1, 7, 300},  {5, 1, 9},    {300, 1, 7},  {9, 5, 1},
    {3, 5, 7},   {4, 16, 16}, {16, 64, 64}, {15, 17, 31}, {17, 33, 65}, {8, 10, 784}, {32, 784, 10},
    {4, 31, 16}, {13, 48, 9}, {2, 100, 3},  {64, 64, 64}, {65, 63, 67}, {70, 70, 70}, {33, 129, 257},
    // a 1-50-1 regression net's products (a side of 1, tails of 2 columns past 3 vectors)
    {1000, 50, 1}, {1000, 1, 50}, {50, 1, 1000}, {1, 50, 1000}, {3, 50, 5}, {1, 17, 3},
    // column tails of 2, 6 and 3 computed as dot products, on tiles of 8, 4 and 2 rows and single rows
    {70, 50, 50}, {9, 54, 20}, {19, 19, 16},
    // the same tails at 8 and 4 lanes (AVX2 float32, float64; baseline float32)
    {21, 26, 12}, {11, 13, 10}, {6, 9, 5}, {66, 18, 9},
    // long dot products in blocks of K (the last block longer, with a K tail), into few columns
    // from many rows; B wider than one panel of columns, with 1, 2 and 3 rows after strips of 4
    {70, 10, 1300}, {3, 7, 1100}, {9, 700, 100}, {6, 650, 130}, {7, 1100, 64},
};

template <typename T>
std::vector<T> random_values(std::int64_t count, std::uint64_t seed) {
  std::vector<T> values(static_cast<std::size_t>(count));
  Rng(seed).fill_normal(std::span<T>(values), 0.0, 1.0);
  return values;
}

// Operands of one problem, stored with `pad` extra elements at the end of every row; with a
// bias, it is read every other element (a strided view).
template <typename T>
struct Operands {
  std::vector<T> a, b, c, bias;
  GemmProblem<T> problem;

  Operands(bool trans_a, bool trans_b, Case s, std::int64_t pad, T alpha, T beta, std::uint64_t seed,
           bool with_bias = false) {
    GemmProblem<T>& p = problem;
    p.trans_a = trans_a;
    p.trans_b = trans_b;
    p.m = s.m, p.n = s.n, p.k = s.k;
    p.alpha = alpha;
    p.beta = beta;
    p.lda = (trans_a ? s.m : s.k) + pad;
    p.ldb = (trans_b ? s.k : s.n) + pad;
    p.ldc = s.n + pad;
    a = random_values<T>((trans_a ? s.k : s.m) * p.lda, seed);
    b = random_values<T>((trans_b ? s.n : s.k) * p.ldb, seed + 1);
    c = random_values<T>(s.m * p.ldc, seed + 2);
    // beta == 0 promises C is never read: NaNs there must not leak into the result.
    if (beta == T(0)) std::fill(c.begin(), c.end(), std::numeric_limits<T>::quiet_NaN());
    p.a = a.data();
    p.b = b.data();
    p.c = c.data();
    if (with_bias) {
      bias = random_values<T>(2 * s.n, seed + 3);
      p.bias = bias.data();
      p.bias_stride = 2;
    }
  }

  // Point the problem at this copy's own storage.
  void rebind() {
    problem.a = a.data(), problem.b = b.data(), problem.c = c.data();
    if (problem.bias != nullptr) problem.bias = bias.data();
  }

  T op_a(std::int64_t i, std::int64_t l) const {
    return problem.trans_a ? a[l * problem.lda + i] : a[i * problem.lda + l];
  }
  T op_b(std::int64_t l, std::int64_t j) const {
    return problem.trans_b ? b[j * problem.ldb + l] : b[l * problem.ldb + j];
  }
};

// Every element of C within the rounding bound K·eps·(|alpha|·Σ|a·b| + |beta·c|) of the
// reference (a GEMM's classic error bound, so no shape can fail by accident), and the
// padding between rows untouched.
template <typename T>
::testing::AssertionResult matches_reference(const std::function<void(const GemmProblem<T>&)>& backend, bool trans_a,
                                             bool trans_b, Case s, std::int64_t pad, T alpha, T beta,
                                             bool with_bias = false) {
  Operands<T> got(trans_a, trans_b, s, pad, alpha, beta, 1000 + s.m * 7 + s.n * 5 + s.k * 3, with_bias);
  Operands<T> want = got;
  want.rebind();
  const std::vector<T> c_before = got.c;
  backend(got.problem);
  cpu::gemm_reference(want.problem);
  const double eps = std::numeric_limits<T>::epsilon();
  for (std::int64_t i = 0; i < s.m; ++i) {
    for (std::int64_t j = 0; j < got.problem.ldc; ++j) {
      const std::size_t at = static_cast<std::size_t>(i * got.problem.ldc + j);
      if (j >= s.n) {
        if (!(std::isnan(got.c[at]) && std::isnan(c_before[at])) && got.c[at] != c_before[at]) {
          return ::testing::AssertionFailure() << "padding written at row " << i << " col " << j;
        }
        continue;
      }
      double magnitude = beta == T(0) ? 0.0 : std::abs(double(beta) * c_before[at]);
      if (with_bias) magnitude += std::abs(double(got.bias[2 * j]));
      for (std::int64_t l = 0; l < s.k; ++l) magnitude += std::abs(double(alpha) * got.op_a(i, l) * got.op_b(l, j));
      const double bound = 2.0 * double(s.k + 2) * eps * magnitude + 1e-30;
      if (!(std::abs(double(got.c[at]) - double(want.c[at])) <= bound)) {
        return ::testing::AssertionFailure() << "C(" << i << ", " << j << ") = " << got.c[at] << ", reference "
                                             << want.c[at] << " (bound " << bound << ")";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
void sweep(const std::string& name, const std::function<void(const GemmProblem<T>&)>& backend,
           const std::vector<Case>& shapes) {
  for (const Case& s : shapes) {
    for (int t = 0; t < 4; ++t) {
      const bool ta = t & 1, tb = t & 2;
      const std::string where = name + " M=" + std::to_string(s.m) + " N=" + std::to_string(s.n) +
                                " K=" + std::to_string(s.k) + " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb);
      EXPECT_TRUE(matches_reference<T>(backend, ta, tb, s, 0, T(1), T(0))) << where;
      EXPECT_TRUE(matches_reference<T>(backend, ta, tb, s, 3, T(0.5), T(-2))) << where << " padded, alpha, beta";
      EXPECT_TRUE(matches_reference<T>(backend, ta, tb, s, 0, T(1), T(0), true)) << where << " bias";
      EXPECT_TRUE(matches_reference<T>(backend, ta, tb, s, 1, T(2), T(0.5), true)) << where << " padded, beta, bias";
    }
  }
}

TEST(GemmReference, ValuesByHand) {
  // [[1, 2], [3, 4]] · [[5], [6]] = [[17], [39]]   (1·5+2·6, 3·5+4·6)
  std::vector<double> a = {1, 2, 3, 4}, b = {5, 6}, c = {0, 0};
  GemmProblem<double> p{
      .m = 2, .n = 1, .k = 2, .a = a.data(), .lda = 2, .b = b.data(), .ldb = 1, .c = c.data(), .ldc = 1};
  cpu::gemm_reference(p);
  EXPECT_EQ(c, (std::vector<double>{17, 39}));
  // Aᵀ · b: [[1, 3], [2, 4]] · [[5], [6]] = [[23], [34]]; then 0.5 · that + 2 · C
  p.trans_a = true;
  p.alpha = 0.5;
  p.beta = 2;
  cpu::gemm_reference(p);
  EXPECT_EQ(c, (std::vector<double>{17 * 2 + 11.5, 39 * 2 + 17}));
  // + bias (one column): 10 more in each row
  const double bias = 10;
  p.bias = &bias;
  c = {0, 0};
  p.beta = 0;
  cpu::gemm_reference(p);
  EXPECT_EQ(c, (std::vector<double>{11.5 + 10, 17 + 10}));
}

TEST(GemmSmall, MatchesReferenceFloat32) { sweep<float>("small f32", cpu::gemm_small<float>, kShapes); }
TEST(GemmSmall, MatchesReferenceFloat64) { sweep<double>("small f64", cpu::gemm_small<double>, kShapes); }
// Every vector width one of gemm_small's ISA entry points uses (16 bytes baseline, 32 AVX2, 64
// AVX-512), whichever of them this machine runs: the widths change the tile shapes and tails.
TEST(GemmSmall, EveryVectorWidthMatchesReference) {
  for (const int bytes : {16, 32, 64}) {
    const std::string name = "small at " + std::to_string(bytes) + " bytes";
    sweep<float>(name + " f32", [&](const GemmProblem<float>& p) { cpu::gemm_small_at_width(p, bytes); }, kShapes);
    sweep<double>(name + " f64", [&](const GemmProblem<double>& p) { cpu::gemm_small_at_width(p, bytes); }, kShapes);
  }
}
TEST(GemmDnnl, MatchesReferenceFloat32) { sweep<float>("dnnl", cpu::gemm_dnnl, kShapes); }

TEST(GemmBlocked, MatchesReferenceAcrossBlockEdges) {
  // 256-wide blocks: these straddle one and two block boundaries in N and K.
  const std::vector<Case> shapes = {{1, 1, 1}, {7, 3, 5}, {40, 257, 300}, {3, 600, 513}, {100, 256, 256}};
  sweep<double>("blocked f64", cpu::gemm_blocked<double>, shapes);
  sweep<float>("blocked f32", cpu::gemm_blocked<float>, shapes);
}

TEST(GemmBlocked, SameBitsForAnyThreadCount) {
  Operands<double> one(false, true, {97, 300, 270}, 0, 1.0, 0.0, 5);
  Operands<double> two = one;
  two.rebind();
  const int saved = num_threads();
  set_num_threads(1);
  cpu::gemm_blocked(one.problem);
  set_num_threads(2);
  cpu::gemm_blocked(two.problem);
  set_num_threads(saved);
  EXPECT_EQ(one.c, two.c);
}

// The dots form re-reads the last K elements as one overlapping vector; an infinity in the
// overlap must still count once (inf, not NaN from 0 · inf).
TEST(GemmSmall, InfinityInTheKTailOverlapStaysInfinite) {
  const std::int64_t m = 4, n = 4, k = 20;  // K = 16 + 4: lanes 4..15 of the last read overlap
  std::vector<float> a(m * k, 1.0f), b(n * k, 1.0f), c(m * n);
  a[0 * k + 8] = std::numeric_limits<float>::infinity();
  b[1 * k + 9] = std::numeric_limits<float>::infinity();
  cpu::gemm_small<float>({.trans_b = true,
                          .m = m,
                          .n = n,
                          .k = k,
                          .a = a.data(),
                          .lda = k,
                          .b = b.data(),
                          .ldb = k,
                          .c = c.data(),
                          .ldc = n});
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      const bool infinite = i == 0 || j == 1;
      EXPECT_EQ(std::isinf(c[i * n + j]), infinite) << "C(" << i << ", " << j << ") = " << c[i * n + j];
      if (!infinite) {
        EXPECT_EQ(c[i * n + j], 20.0f);
      }
    }
  }
}

TEST(GemmSmall, EmptyInnerDimensionScalesC) {
  for (const auto& backend : {cpu::gemm_small<float>, cpu::gemm_dnnl}) {
    std::vector<float> c = {1, 2, 3, 4};
    backend(
        {.m = 2, .n = 2, .k = 0, .a = c.data(), .lda = 1, .b = c.data(), .ldb = 2, .beta = 3, .c = c.data(), .ldc = 2});
    EXPECT_EQ(c, (std::vector<float>{3, 6, 9, 12}));
  }
}

// --- dispatch on views ---

// A (rows, cols) view of `data` in row-major or (transposed=true) column-major storage.
ConstView matrix_view(const std::vector<float>& data, std::int64_t rows, std::int64_t cols, bool column_major) {
  return {data.data(), DType::f32, Shape{rows, cols}, column_major ? Shape{1, rows} : Shape{cols, 1}};
}

TEST(Gemm, AcceptsRowAndColumnMajorViewsOnly) {
  std::vector<float> data(64);
  EXPECT_TRUE(gemm_accepts(matrix_view(data, 4, 8, false)));
  EXPECT_TRUE(gemm_accepts(matrix_view(data, 4, 8, true)));
  EXPECT_TRUE(gemm_accepts(ConstView{data.data(), DType::f32, Shape{4, 8}, Shape{16, 1}}));       // padded rows
  EXPECT_FALSE(gemm_accepts(ConstView{data.data(), DType::f32, Shape{4, 8}, Shape{0, 1}}));       // broadcast rows
  EXPECT_FALSE(gemm_accepts(ConstView{data.data(), DType::f32, Shape{4, 8}, Shape{16, 2}}));      // every other column
  EXPECT_FALSE(gemm_accepts(ConstView{data.data(), DType::f32, Shape{4, 8}, Shape{4, 1}}));       // overlapping rows
  EXPECT_TRUE(gemm_accepts(ConstView{data.data(), DType::f32, Shape{2, 4, 8}, Shape{0, 8, 1}}));  // batch broadcast
  EXPECT_FALSE(gemm_accepts(ConstView{data.data(), DType::f32, Shape{64}, Shape{1}}));
}

// c = op(a) · op(b) for every mix of stored layouts and op flags, through the dispatch.
TEST(Gemm, FoldsTransposedViewsIntoTheOpFlag) {
  const std::int64_t m = 5, n = 7, k = 3;
  const std::vector<float> a = random_values<float>(m * k, 1), b = random_values<float>(k * n, 2);
  std::vector<float> want(m * n);
  cpu::gemm_reference<float>(
      {.m = m, .n = n, .k = k, .a = a.data(), .lda = k, .b = b.data(), .ldb = n, .c = want.data(), .ldc = n});
  // Stored transposes of a and b, so each logical matrix has two layouts.
  std::vector<float> at(m * k), bt(k * n);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t l = 0; l < k; ++l) at[l * m + i] = a[i * k + l];
  for (std::int64_t l = 0; l < k; ++l)
    for (std::int64_t j = 0; j < n; ++j) bt[j * k + l] = b[l * n + j];
  for (int layout = 0; layout < 16; ++layout) {
    const bool a_col = layout & 1, b_col = layout & 2, ta = layout & 4, tb = layout & 8;
    // The logical operand is op⁻¹ of a: (M, K) when ta is no, (K, M) when yes.
    const std::vector<float>& a_store = (ta != a_col) ? at : a;
    const std::vector<float>& b_store = (tb != b_col) ? bt : b;
    const ConstView av = ta ? matrix_view(a_store, k, m, a_col) : matrix_view(a_store, m, k, a_col);
    const ConstView bv = tb ? matrix_view(b_store, n, k, b_col) : matrix_view(b_store, k, n, b_col);
    std::vector<float> got(m * n);
    gemm(av, ta ? Transpose::yes : Transpose::no, bv, tb ? Transpose::yes : Transpose::no,
         MutView{got.data(), DType::f32, Shape{m, n}, Shape{n, 1}});
    for (std::int64_t i = 0; i < m * n; ++i) ASSERT_NEAR(got[i], want[i], 1e-5) << "layout " << layout << " at " << i;
  }
}

// p through kernels::gemm: operands as row-major views of their storage (a stored transpose
// with its op flag), the bias as a view.
void through_dispatch(const GemmProblem<float>& p) {
  const auto view = [](const float* data, bool trans, std::int64_t rows, std::int64_t cols, std::int64_t ld) {
    return trans ? ConstView{data, DType::f32, Shape{cols, rows}, Shape{ld, 1}}
                 : ConstView{data, DType::f32, Shape{rows, cols}, Shape{ld, 1}};
  };
  const ConstView bias =
      p.bias == nullptr ? ConstView{} : ConstView{p.bias, DType::f32, Shape{p.n}, Shape{p.bias_stride}};
  gemm(view(p.a, p.trans_a, p.m, p.k, p.lda), p.trans_a ? Transpose::yes : Transpose::no,
       view(p.b, p.trans_b, p.k, p.n, p.ldb), p.trans_b ? Transpose::yes : Transpose::no,
       MutView{p.c, DType::f32, Shape{p.m, p.n}, Shape{p.ldc, 1}}, p.alpha, p.beta, bias);
}

// Mid-size and large products (and outer products writing a large C) are split into one part
// per thread: by rows, or by 16-column blocks when C is wider than tall, or along K when C is
// small and K long (50x50x1000, 10x60x2001; 64x64x600 is split along K on two threads, by rows
// on three). Three threads leave a shorter last part, and a column count off the block size a
// narrower one.
TEST(Gemm, SplitProductsMatchTheReference) {
  const std::vector<Case> shapes = {{300, 70, 50},  {1001, 50, 50}, {1000, 50, 1},  {20, 500, 100},  {50, 50, 1000},
                                    {10, 60, 2001}, {64, 64, 600},  {7, 1001, 150}, {256, 256, 256}, {3000, 64, 64}};
  const int saved = num_threads();
  for (int threads : {2, 3}) {
    set_num_threads(threads);
    sweep<float>("dispatch on " + std::to_string(threads) + " threads", through_dispatch, shapes);
  }
  set_num_threads(saved);
}

TEST(Gemm, SplitProductsAreReproducible) {
  Operands<float> first(false, true, {997, 50, 50}, 0, 1.0f, 0.0f, 9, true);
  Operands<float> again = first;
  again.rebind();
  const int saved = num_threads();
  set_num_threads(2);
  through_dispatch(first.problem);
  through_dispatch(again.problem);
  set_num_threads(saved);
  EXPECT_EQ(first.c, again.c);
}

// With the threads paused (the machine busy), the caller runs the same parts one after the
// other: the same bits as two threads, on both backends and a product large enough for sgemm's
// own team.
TEST(Gemm, PausedThreadsGiveTheSameBits) {
  const int saved = num_threads();
  set_num_threads(2);
  for (const Case& shape :
       std::vector<Case>{{997, 50, 50}, {64, 512, 784}, {784, 512, 64}, {20, 500, 100}, {50, 50, 1000}}) {
    Operands<float> parallel(false, true, shape, 0, 1.0f, 0.0f, 9, true);
    Operands<float> paused = parallel;
    paused.rebind();
    through_dispatch(parallel.problem);
    detail::pause_threads_for(std::chrono::hours(1));
    through_dispatch(paused.problem);
    detail::pause_threads_for({});
    EXPECT_EQ(parallel.c, paused.c) << shape.m << "x" << shape.n << "x" << shape.k;
  }
  set_num_threads(saved);
}

// Cubes from 56 to 72 straddle the small/oneDNN crossover; both backends must agree with the reference.
TEST(Gemm, SizesStraddlingTheCrossoverMatchTheReference) {
  bool saw_small = false, saw_dnnl = false;
  for (std::int64_t n = 56; n <= 72; n += 2) {
    const GemmBackend backend = choose_gemm_backend(DType::f32, n, n, n);
    saw_small = saw_small || backend == GemmBackend::small;
    saw_dnnl = saw_dnnl || backend == GemmBackend::dnnl;
    EXPECT_TRUE(matches_reference<float>(through_dispatch, false, false, {n, n, n}, 1, 1.5f, 0.5f)) << "n=" << n;
  }
  EXPECT_TRUE(saw_small && saw_dnnl) << "the sweep no longer straddles the crossover";
}

// The fused bias: c = alpha · a · bᵀ + beta · c + bias in every row, on both sides of the
// crossover, with a contiguous and an every-other-element bias.
TEST(Gemm, AddsTheBiasToEveryRow) {
  for (const std::int64_t size : {5, 90}) {
    const std::int64_t m = size, n = size + 3, k = size + 1;
    const std::vector<float> a = random_values<float>(m * k, 5), b = random_values<float>(n * k, 6);
    const std::vector<float> bias = random_values<float>(2 * n, 7), c0 = random_values<float>(m * n, 8);
    for (const std::int64_t stride : {1, 2}) {
      for (const float beta : {0.0f, 0.5f}) {
        std::vector<float> got = c0, want = c0;
        gemm(ConstView{a.data(), DType::f32, Shape{m, k}, Shape{k, 1}}, Transpose::no,
             ConstView{b.data(), DType::f32, Shape{n, k}, Shape{k, 1}}, Transpose::yes,
             MutView{got.data(), DType::f32, Shape{m, n}, Shape{n, 1}}, 2.0, beta,
             ConstView{bias.data(), DType::f32, Shape{n}, Shape{stride}});
        cpu::gemm_reference<float>({.trans_b = true, .m = m, .n = n, .k = k, .alpha = 2, .a = a.data(), .lda = k,
                                    .b = b.data(), .ldb = k, .beta = beta, .c = want.data(), .ldc = n});
        for (std::int64_t i = 0; i < m * n; ++i) {
          ASSERT_NEAR(got[i], want[i] + bias[(i % n) * stride], 1e-3) << "size " << size << " stride " << stride;
        }
      }
    }
  }
}

TEST(Gemm, BackendChoiceBySize) {
  EXPECT_EQ(choose_gemm_backend(DType::f32, 16, 64, 64), GemmBackend::small);
  EXPECT_EQ(choose_gemm_backend(DType::f32, 512, 512, 512), GemmBackend::dnnl);
  EXPECT_EQ(choose_gemm_backend(DType::f32, 1, 128, 128), GemmBackend::small);
  EXPECT_EQ(choose_gemm_backend(DType::f32, 1, 256, 256), GemmBackend::dnnl);  // op(B) too large to re-stream
  EXPECT_EQ(choose_gemm_backend(DType::f32, 4096, 4096, 1), GemmBackend::small);  // outer products: any size
  EXPECT_EQ(choose_gemm_backend(DType::f32, 1000, 50, 50), GemmBackend::small);   // many rows, narrow layer
  EXPECT_EQ(choose_gemm_backend(DType::f32, 200, 60, 60), GemmBackend::dnnl);
  EXPECT_EQ(choose_gemm_backend(DType::f32, 1000, 128, 128), GemmBackend::dnnl);
  // long dot products into few columns (x · Wᵀ, 3072 -> 10), and the same sizes laid out otherwise
  EXPECT_EQ(choose_gemm_backend(DType::f32, 100, 10, 3072, true), GemmBackend::small);
  EXPECT_EQ(choose_gemm_backend(DType::f32, 100, 10, 3072, false), GemmBackend::dnnl);
  EXPECT_EQ(choose_gemm_backend(DType::f32, 100, 64, 3072, true), GemmBackend::dnnl);
  EXPECT_EQ(choose_gemm_backend(DType::f64, 4, 4, 4), GemmBackend::small);
  EXPECT_EQ(choose_gemm_backend(DType::f64, 512, 512, 512), GemmBackend::blocked);
}

// Batched: b shared across the batch (stride 0) and a per-item; small and large items.
TEST(Gemm, BatchedMatchesOneProductPerItem) {
  for (const std::int64_t size : {3, 80}) {
    const std::int64_t batch = 6, m = size, n = size + 1, k = size + 2;
    const std::vector<double> a = random_values<double>(batch * m * k, 3), b = random_values<double>(k * n, 4);
    std::vector<double> got(batch * m * n), want(batch * m * n);
    gemm_batched(ConstView{a.data(), DType::f64, Shape{batch, m, k}, Shape{m * k, k, 1}}, Transpose::no,
                 ConstView{b.data(), DType::f64, Shape{batch, k, n}, Shape{0, n, 1}}, Transpose::no,
                 MutView{got.data(), DType::f64, Shape{batch, m, n}, Shape{m * n, n, 1}});
    for (std::int64_t i = 0; i < batch; ++i) {
      cpu::gemm_reference<double>({.m = m,
                                   .n = n,
                                   .k = k,
                                   .a = a.data() + i * m * k,
                                   .lda = k,
                                   .b = b.data(),
                                   .ldb = n,
                                   .c = want.data() + i * m * n,
                                   .ldc = n});
    }
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-11) << "size " << size << " at " << i;
  }
}

}  // namespace
}  // namespace nnlab::kernels
