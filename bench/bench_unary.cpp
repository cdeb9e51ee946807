// Unary kernel benchmarks: elements per second of kernels::unary_forward / unary_backward for
// the activations on the training hot path, in cache (16K elements) and streaming from memory
// (4M), and the measurement behind kernels/cpu/fast_math.h: a loop over fast_exp against the
// same loop over std::exp, which GCC cannot vectorise.
#include <benchmark/benchmark.h>

#include <cmath>
#include <span>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"
#include "nnlab/kernels/cpu/fast_math.h"
#include "nnlab/kernels/unary.h"

namespace {

using nnlab::kernels::UnaryOp;

template <typename T>
struct Buffers {
  std::vector<T> x, y, dy, dx;
  explicit Buffers(std::int64_t n) : x(n), y(n), dy(n), dx(n) {
    nnlab::Rng rng(1);
    rng.fill_normal(std::span<T>(x), 0.0, 3.0);
    rng.fill_normal(std::span<T>(dy), 0.0, 1.0);
  }
  nnlab::ConstView in(const std::vector<T>& v) const {
    return {v.data(), nnlab::dtype_of<T>(), nnlab::Shape{static_cast<std::int64_t>(v.size())}, nnlab::Shape{1}};
  }
  nnlab::MutView out(std::vector<T>& v) const {
    return {v.data(), nnlab::dtype_of<T>(), nnlab::Shape{static_cast<std::int64_t>(v.size())}, nnlab::Shape{1}};
  }
};

void set_rate(benchmark::State& state, std::int64_t n) {
  state.counters["Gelem/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}

// range(0): elements; range(1): threads.
template <typename T, UnaryOp op>
void BM_Forward(benchmark::State& state) {
  nnlab::set_num_threads(static_cast<int>(state.range(1)));
  Buffers<T> b(state.range(0));
  for (auto _ : state) {
    nnlab::kernels::unary_forward(op, {}, b.in(b.x), b.out(b.y));
    benchmark::DoNotOptimize(b.y.data());
  }
  set_rate(state, state.range(0));
}

template <typename T, UnaryOp op>
void BM_Backward(benchmark::State& state) {
  nnlab::set_num_threads(static_cast<int>(state.range(1)));
  Buffers<T> b(state.range(0));
  nnlab::kernels::unary_forward(op, {}, b.in(b.x), b.out(b.y));
  const auto& saved = nnlab::kernels::unary_saved(op) == nnlab::kernels::UnarySaved::output ? b.y : b.x;
  for (auto _ : state) {
    nnlab::kernels::unary_backward(op, {}, b.in(saved), b.in(b.dy), b.out(b.dx));
    benchmark::DoNotOptimize(b.dx.data());
  }
  set_rate(state, state.range(0));
}

// The loops fast_math.h exists for, on one thread and without ISA clones.
template <bool fast>
void BM_ExpLoop(benchmark::State& state) {
  Buffers<float> b(state.range(0));
  for (auto _ : state) {
    for (std::size_t i = 0; i < b.x.size(); ++i) {
      b.y[i] = fast ? nnlab::kernels::cpu::fast_exp(b.x[i]) : std::exp(b.x[i]);
    }
    benchmark::DoNotOptimize(b.y.data());
  }
  set_rate(state, state.range(0));
}

void sizes(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"n", "threads"});
  for (std::int64_t n : {1 << 14, 1 << 22}) {
    for (std::int64_t threads : {1, 2}) bench->Args({n, threads});
  }
}

BENCHMARK(BM_Forward<float, UnaryOp::sigmoid>)->Apply(sizes);
BENCHMARK(BM_Forward<float, UnaryOp::tanh>)->Apply(sizes);
BENCHMARK(BM_Forward<float, UnaryOp::relu>)->Apply(sizes);
BENCHMARK(BM_Forward<float, UnaryOp::exp>)->Apply(sizes);
BENCHMARK(BM_Forward<float, UnaryOp::gelu_tanh>)->Apply(sizes);
BENCHMARK(BM_Forward<float, UnaryOp::gelu>)->Apply(sizes);
BENCHMARK(BM_Forward<double, UnaryOp::sigmoid>)->Apply(sizes);
BENCHMARK(BM_Backward<float, UnaryOp::sigmoid>)->Apply(sizes);
BENCHMARK(BM_Backward<float, UnaryOp::tanh>)->Apply(sizes);
BENCHMARK(BM_Backward<float, UnaryOp::relu>)->Apply(sizes);
BENCHMARK(BM_ExpLoop<false>)->Arg(1 << 14);
BENCHMARK(BM_ExpLoop<true>)->Arg(1 << 14);

}  // namespace

BENCHMARK_MAIN();
