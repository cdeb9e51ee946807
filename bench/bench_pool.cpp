// float32 max pooling kernels on the shapes of the benchmark workloads: W5's 2x2 / stride-2
// pools and W8's 3x3 / stride-2 / padding-1 pool, forward (values and argmax) and backward; the
// measurement behind the vector blocks in kernels/cpu/pool.cpp. Inputs are post-ReLU (half
// zeros, so many ties), as in both networks. Args: shape (an index into kShapes), threads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <span>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"
#include "nnlab/kernels/pool.h"

namespace {

using nnlab::kernels::Pool2dGeometry;

// N, C, H(=W), K (square kernel), stride, padding.
struct Shape {
  std::int64_t n, c, hw, k, stride, pad;
};

const std::vector<Shape> kShapes = {
    {128, 32, 28, 2, 2, 0},  // W5, first pool
    {128, 64, 14, 2, 2, 0},  // W5, second pool
    {128, 64, 7, 2, 2, 0},   // W5, third pool (odd width: 3 outputs a row, the last column unused)
    {32, 64, 32, 3, 2, 1},   // W8, the stem's maxpool
};

struct Problem {
  Pool2dGeometry g;
  std::vector<float> x, out, dout, dx;
  std::vector<std::int64_t> indices;

  explicit Problem(const Shape& s) {
    const std::int64_t out_hw = (s.hw + 2 * s.pad - s.k) / s.stride + 1;
    g = {.batch = s.n,
         .channels = s.c,
         .in_h = s.hw,
         .in_w = s.hw,
         .out_h = out_hw,
         .out_w = out_hw,
         .kernel_h = s.k,
         .kernel_w = s.k,
         .stride_h = s.stride,
         .stride_w = s.stride,
         .pad_h = s.pad,
         .pad_w = s.pad};
    x.resize(static_cast<std::size_t>(s.n * s.c * s.hw * s.hw));
    nnlab::Rng(1).fill_normal(std::span<float>(x), 0.0, 1.0);
    for (float& v : x) v = std::max(v, 0.0f);
    dout.resize(static_cast<std::size_t>(s.n * s.c * out_hw * out_hw));
    nnlab::Rng(2).fill_normal(std::span<float>(dout), 0.0, 1.0);
    out.resize(dout.size());
    indices.resize(dout.size());
    dx.resize(x.size());
  }

  nnlab::Shape in_shape() const { return {g.batch, g.channels, g.in_h, g.in_w}; }
  nnlab::Shape out_shape() const { return {g.batch, g.channels, g.out_h, g.out_w}; }
  nnlab::ConstView x_view() const {
    return {x.data(), nnlab::DType::f32, in_shape(), nnlab::contiguous_strides(in_shape())};
  }
  nnlab::MutView out_view() {
    return {out.data(), nnlab::DType::f32, out_shape(), nnlab::contiguous_strides(out_shape())};
  }
  nnlab::MutView indices_view() {
    return {indices.data(), nnlab::DType::i64, out_shape(), nnlab::contiguous_strides(out_shape())};
  }
  nnlab::ConstView dout_view() const {
    return {dout.data(), nnlab::DType::f32, out_shape(), nnlab::contiguous_strides(out_shape())};
  }
  nnlab::MutView dx_view() { return {dx.data(), nnlab::DType::f32, in_shape(), nnlab::contiguous_strides(in_shape())}; }
};

void set_rate(benchmark::State& state, std::int64_t elements) {
  state.counters["Gelem/s"] = benchmark::Counter(
      static_cast<double>(elements), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void BM_MaxForward(benchmark::State& state) {
  nnlab::set_num_threads(static_cast<int>(state.range(1)));
  Problem p(kShapes[static_cast<std::size_t>(state.range(0))]);
  for (auto _ : state) {
    nnlab::kernels::max_pool2d_forward(p.g, p.x_view(), p.out_view(), p.indices_view());
    benchmark::DoNotOptimize(p.out.data());
    benchmark::DoNotOptimize(p.indices.data());
  }
  set_rate(state, static_cast<std::int64_t>(p.x.size()));  // input elements
}

void BM_MaxBackward(benchmark::State& state) {
  nnlab::set_num_threads(static_cast<int>(state.range(1)));
  Problem p(kShapes[static_cast<std::size_t>(state.range(0))]);
  nnlab::kernels::max_pool2d_forward(p.g, p.x_view(), p.out_view(), p.indices_view());
  for (auto _ : state) {
    nnlab::kernels::max_pool2d_backward(p.g, p.dout_view(), p.indices_view(), p.dx_view());
    benchmark::DoNotOptimize(p.dx.data());
  }
  set_rate(state, static_cast<std::int64_t>(p.x.size()));  // dx elements
}

void shapes(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"shape", "threads"});
  for (std::int64_t shape = 0; shape < static_cast<std::int64_t>(kShapes.size()); ++shape) {
    for (std::int64_t threads : {1, 2}) bench->Args({shape, threads});
  }
}

BENCHMARK(BM_MaxForward)->Apply(shapes);
BENCHMARK(BM_MaxBackward)->Apply(shapes);

}  // namespace

BENCHMARK_MAIN();
