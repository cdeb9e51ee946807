// Matrix-product benchmarks: GFLOP/s of kernels::gemm on square sizes against the machine's
// sgemm ceiling (oneDNN on a large problem, measured in the same run), and the timings behind
// the two choices in the GEMM code: nnlab's small kernel vs oneDNN around the crossover
// (kSmallMaxVolume in kernels/gemm.cpp), and dnnl_sgemm vs a cached matmul primitive
// (kernels/cpu/gemm_dnnl.cpp). The thresholds were read from
//   bench_gemm --benchmark_filter=SmallVs --benchmark_repetitions=5 --benchmark_report_aggregates_only
// once as is and once with OMP_NUM_THREADS=1 (gemm_small is single-threaded, oneDNN is not).
#include <benchmark/benchmark.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "nnlab/core/rng.h"
#include "nnlab/kernels/cpu/gemm_backends.h"
#include "nnlab/kernels/gemm.h"

namespace {

using nnlab::kernels::cpu::GemmProblem;

// Operands of C (M, N) = op(A) · op(B): A stored (M, K), or (K, M) when trans_a; B stored
// (K, N), or (N, K) when trans_b.
template <typename T>
struct Operands {
  std::vector<T> a, b, c;
  GemmProblem<T> problem;

  Operands(std::int64_t m, std::int64_t n, std::int64_t k, bool trans_b, bool trans_a = false)
      : a(static_cast<std::size_t>(m * k)), b(static_cast<std::size_t>(k * n)), c(static_cast<std::size_t>(m * n)) {
    nnlab::Rng rng(1);
    rng.fill_normal(std::span<T>(a), 0.0, 1.0);
    rng.fill_normal(std::span<T>(b), 0.0, 1.0);
    problem = {.trans_a = trans_a,
               .trans_b = trans_b,
               .m = m,
               .n = n,
               .k = k,
               .a = a.data(),
               .lda = trans_a ? m : k,
               .b = b.data(),
               .ldb = trans_b ? k : n,
               .c = c.data(),
               .ldc = n};
  }
};

// With --benchmark_repetitions, each benchmark also reports its extremes: the _min row's time
// is the fastest repetition (the one least disturbed by other processes on a shared machine,
// where one descheduled OpenMP thread stalls oneDNN's whole team) and the _max row's GFLOP/s
// the best rate. (Google Benchmark applies a statistic to times and counters alike.)
void extremes(benchmark::internal::Benchmark* b) {
  b->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });
  b->ComputeStatistics("max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); });
}

void set_flops(benchmark::State& state, double m, double n, double k) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * m * n * k, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// (a) Square products through the dispatch, as ops::matmul calls it.
template <typename T>
void BM_Gemm(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  Operands<T> x(n, n, n, false);
  const nnlab::DType dtype = nnlab::dtype_of<T>();
  const nnlab::ConstView a{x.a.data(), dtype, nnlab::Shape{n, n}, nnlab::Shape{n, 1}};
  const nnlab::ConstView b{x.b.data(), dtype, nnlab::Shape{n, n}, nnlab::Shape{n, 1}};
  const nnlab::MutView c{x.c.data(), dtype, nnlab::Shape{n, n}, nnlab::Shape{n, 1}};
  for (auto _ : state) {
    nnlab::kernels::gemm(a, nnlab::kernels::Transpose::no, b, nnlab::kernels::Transpose::no, c);
    benchmark::DoNotOptimize(x.c.data());
  }
  set_flops(state, n, n, n);
}
BENCHMARK(BM_Gemm<float>)
    ->Name("BM_Matmul_f32")
    ->RangeMultiplier(2)
    ->Range(64, 2048)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->Apply(extremes);
BENCHMARK(BM_Gemm<double>)
    ->Name("BM_Matmul_f64")
    ->RangeMultiplier(2)
    ->Range(64, 1024)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->Apply(extremes);

// (b) The ceiling: oneDNN's sgemm on a problem large enough to run at the machine's peak.
void BM_SgemmCeiling(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  Operands<float> x(n, n, n, false);
  for (auto _ : state) {
    nnlab::kernels::cpu::gemm_dnnl(x.problem);
    benchmark::DoNotOptimize(x.c.data());
  }
  set_flops(state, n, n, n);
}
BENCHMARK(BM_SgemmCeiling)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime()->Apply(extremes);

// (c) The crossover: the same product on each backend. Args: M, N, K, trans_b, trans_a.
template <void (*Backend)(const GemmProblem<float>&)>
void BM_Backend(benchmark::State& state) {
  Operands<float> x(state.range(0), state.range(1), state.range(2), state.range(3) != 0, state.range(4) != 0);
  for (auto _ : state) {
    Backend(x.problem);
    benchmark::DoNotOptimize(x.c.data());
  }
  set_flops(state, state.range(0), state.range(1), state.range(2));
}

// Registers BM_Backend for one set of shapes on gemm_small and on oneDNN's sgemm, as
// <name>/small and <name>/dnnl.
int on_both_backends(const std::string& name, void (*shapes)(benchmark::internal::Benchmark*)) {
  benchmark::RegisterBenchmark((name + "/small").c_str(), BM_Backend<nnlab::kernels::cpu::gemm_small<float>>)
      ->Apply(shapes)
      ->UseRealTime()
      ->Apply(extremes);
  benchmark::RegisterBenchmark((name + "/dnnl").c_str(), BM_Backend<nnlab::kernels::cpu::gemm_dnnl>)
      ->Apply(shapes)
      ->UseRealTime()
      ->Apply(extremes);
  return 0;
}

// Linear-layer shapes (batch M, width N = K, B transposed as in x · Wᵀ, and not, as in the
// backward products), cubes around the crossover, and single rows through wide layers.
void crossover_shapes(benchmark::internal::Benchmark* b) {
  for (std::int64_t m : {1, 4, 16, 32, 64}) {
    for (std::int64_t width : {16, 32, 64, 128}) {
      for (std::int64_t trans_b : {0, 1}) b->Args({m, width, width, trans_b, 0});
    }
  }
  for (std::int64_t n : {24, 32, 40, 48, 56, 64, 72, 80, 96, 112, 128}) {
    for (std::int64_t trans_b : {0, 1}) b->Args({n, n, n, trans_b, 0});
  }
  for (std::int64_t width : {256, 512, 1024}) {  // matrix-vector-like: one long, thin product
    for (std::int64_t trans_b : {0, 1}) b->Args({1, width, width, trans_b, 0});
  }
}
const int crossover_shapes_registered = on_both_backends("BM_SmallVsDnnl", crossover_shapes);

// (b2) Products with a side of 1: the first and last layer of a 1-D regression net (W6's
// 1-50-50-1 at batch 1000). Args as in (c).
void thin_shapes(benchmark::internal::Benchmark* b) {
  b->Args({1000, 50, 1, 1, 0});  // x · W1ᵀ (in_features 1)
  b->Args({1000, 1, 50, 1, 0});  // h · W3ᵀ (out_features 1)
  b->Args({1000, 50, 1, 0, 0});  // dY · W3 (the gradient of h)
  b->Args({50, 1, 1000, 0, 1});  // dYᵀ · x (the gradient of W1)
  b->Args({1, 50, 1000, 0, 1});  // dYᵀ · h (the gradient of W3)
  // The same five products for a batch (or fan) `big` and a width `w` (on and off the vector width)
  for (std::int64_t big : {16, 64, 128, 256}) {
    for (std::int64_t w : {16, 50, 128}) {
      b->Args({big, w, 1, 1, 0});
      b->Args({big, 1, w, 1, 0});
      b->Args({w, 1, big, 0, 1});
      b->Args({1, w, big, 0, 1});
      b->Args({1, w, big, 1, 0});
    }
  }
}
const int thin_shapes_registered = on_both_backends("BM_Thin", thin_shapes);

// (b3) W6's middle layer at batch 1000, whole and as one thread's half of a split by rows:
// h · W2ᵀ, dH · W2 and dHᵀ · h; then wider layers at many rows, where sgemm takes over.
// Args as in (c).
void mid_shapes(benchmark::internal::Benchmark* b) {
  for (std::int64_t rows : {1000, 500}) {
    b->Args({rows, 50, 50, 1, 0});
    b->Args({rows, 50, 50, 0, 0});
  }
  b->Args({50, 50, 1000, 0, 1});
  b->Args({25, 50, 1000, 0, 1});
  for (std::int64_t width : {32, 64, 100, 128}) {
    b->Args({500, width, width, 1, 0});
    b->Args({500, width, width, 0, 0});
    b->Args({width, width, 500, 0, 1});
  }
}
const int mid_shapes_registered = on_both_backends("BM_Mid", mid_shapes);

// (b4) Long dot products and few wide rows: W9's 3072 -> 10 layer at batch 100 (x · Wᵀ and
// dYᵀ · x, whole and as one thread's half, then more rows and columns), logistic regression on
// MNIST, W1's 784 -> 30 -> 10 at batch 10 and W2's last layers at batch 64. Args as in (c).
void long_shapes(benchmark::internal::Benchmark* b) {
  b->Args({100, 10, 3072, 1, 0});
  b->Args({50, 10, 3072, 1, 0});
  b->Args({10, 3072, 100, 0, 1});
  b->Args({10, 1536, 100, 0, 1});
  b->Args({100, 10, 784, 1, 0});
  b->Args({1000, 10, 3072, 1, 0});
  b->Args({100, 16, 1024, 1, 0});
  b->Args({100, 10, 512, 1, 0});
  b->Args({10, 30, 784, 1, 0});
  b->Args({30, 784, 10, 0, 1});
  b->Args({64, 10, 64, 1, 0});
  b->Args({10, 64, 64, 0, 1});
  b->Args({64, 64, 128, 1, 0});
  b->Args({64, 128, 64, 0, 1});
}
const int long_shapes_registered = on_both_backends("BM_Long", long_shapes);

// float64: the small kernel against the blocked one (threads and packing). Args: M, N, K, trans_b.
template <void (*Backend)(const GemmProblem<double>&)>
void BM_BackendF64(benchmark::State& state) {
  Operands<double> x(state.range(0), state.range(1), state.range(2), state.range(3) != 0);
  for (auto _ : state) {
    Backend(x.problem);
    benchmark::DoNotOptimize(x.c.data());
  }
  set_flops(state, state.range(0), state.range(1), state.range(2));
}
void cubes(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : {32, 48, 64, 80, 96, 128, 256}) {
    for (std::int64_t trans_b : {0, 1}) b->Args({n, n, n, trans_b});
  }
}
BENCHMARK(BM_BackendF64<nnlab::kernels::cpu::gemm_small<double>>)
    ->Name("BM_SmallVsBlockedF64/small")
    ->Apply(cubes)
    ->UseRealTime()
    ->Apply(extremes);
BENCHMARK(BM_BackendF64<nnlab::kernels::cpu::gemm_blocked<double>>)
    ->Name("BM_SmallVsBlockedF64/blocked")
    ->Apply(cubes)
    ->UseRealTime()
    ->Apply(extremes);

// Per-call cost of oneDNN's two interfaces: a matmul primitive created once (memory objects
// reused, only the data handles reset per call, as a shape-keyed cache would) vs dnnl_sgemm.
void BM_DnnlOverheadPrimitive(benchmark::State& state) {
  using dnnl::memory;
  const std::int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  Operands<float> x(m, n, k, true);
  const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const memory::desc a_desc({m, k}, memory::data_type::f32, memory::format_tag::ab);
  const memory::desc b_desc({k, n}, memory::data_type::f32, memory::format_tag::ba);
  const memory::desc c_desc({m, n}, memory::data_type::f32, memory::format_tag::ab);
  const dnnl::matmul primitive(dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_desc, b_desc, c_desc), engine));
  memory a_mem(a_desc, engine, x.a.data()), b_mem(b_desc, engine, x.b.data()), c_mem(c_desc, engine, x.c.data());
  for (auto _ : state) {
    a_mem.set_data_handle(x.a.data());
    b_mem.set_data_handle(x.b.data());
    c_mem.set_data_handle(x.c.data());
    primitive.execute(stream, {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_mem}, {DNNL_ARG_DST, c_mem}});
    benchmark::DoNotOptimize(x.c.data());
  }
  set_flops(state, m, n, k);
}
void overhead_shapes(benchmark::internal::Benchmark* b) {
  b->Args({1, 16, 16, 1, 0})->Args({16, 64, 64, 1, 0})->Args({128, 128, 128, 1, 0})->Args({512, 512, 512, 1, 0});
}
BENCHMARK(BM_DnnlOverheadPrimitive)
    ->Name("BM_DnnlOverhead/primitive")
    ->Apply(overhead_shapes)
    ->UseRealTime()
    ->Apply(extremes);
BENCHMARK(BM_Backend<nnlab::kernels::cpu::gemm_dnnl>)
    ->Name("BM_DnnlOverhead/sgemm")
    ->Apply(overhead_shapes)
    ->UseRealTime()
    ->Apply(extremes);

}  // namespace

// (e) The products of kernels/cpu/conv_im2col.cpp on ResNet-18's last stages (batch 32, 64x64
// inputs): dweight = D · cols (M = O, N = C·9, K = 32·OH·OW) and dcols = Dᵀ · weight. Args as in (c).
BENCHMARK(BM_Backend<nnlab::kernels::cpu::gemm_dnnl>)
    ->Name("BM_Im2col/dnnl")
    ->Args({512, 4608, 128, 0, 0})  // 512 -> 512 on 2x2 maps, weight gradient
    ->Args({128, 4608, 512, 0, 1})  // and input gradient
    ->Args({256, 2304, 512, 0, 0})  // 256 -> 256 on 4x4 maps, weight gradient
    ->Args({512, 2304, 256, 0, 1})  // and input gradient
    ->UseRealTime();

BENCHMARK_MAIN();
