// BatchNorm kernel benchmarks: microseconds per call of kernels::batch_norm_stats, _forward and
// _backward (training, all three gradients) on the float32 shapes of ResNet-18 at batch 32 on
// 64x64 images, given as (N, C, L = H W), and a BatchNorm1d input (L = 1).
#include <benchmark/benchmark.h>

#include <span>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/core/rng.h"
#include "nnlab/kernels/norm.h"

namespace {

using nnlab::ConstView;
using nnlab::MutView;
using nnlab::Shape;

struct Buffers {
  Shape shape, channel_shape;
  std::vector<float> x, dout, out, dx;
  std::vector<float> mean, var, invstd, weight, bias, dweight, dbias;
  explicit Buffers(const benchmark::State& state)
      : shape{state.range(0), state.range(1), state.range(2)},
        channel_shape{state.range(1)},
        x(static_cast<std::size_t>(shape.numel())),
        dout(x.size()),
        out(x.size()),
        dx(x.size()),
        mean(static_cast<std::size_t>(state.range(1))),
        var(mean.size()),
        invstd(mean.size(), 0.5f),
        weight(mean.size(), 1.5f),
        bias(mean.size(), 0.25f),
        dweight(mean.size()),
        dbias(mean.size()) {
    nnlab::Rng rng(1);
    rng.fill_normal(std::span<float>(x), 1.0, 2.0);
    rng.fill_normal(std::span<float>(dout), 0.0, 1.0);
    nnlab::kernels::batch_norm_stats(in(x), channel(mean), channel(var));
  }
  ConstView in(const std::vector<float>& v) const {
    return {v.data(), nnlab::DType::f32, shape, nnlab::contiguous_strides(shape)};
  }
  MutView mut(std::vector<float>& v) const {
    return {v.data(), nnlab::DType::f32, shape, nnlab::contiguous_strides(shape)};
  }
  MutView channel(std::vector<float>& v) const { return {v.data(), nnlab::DType::f32, channel_shape, Shape{1}}; }
};

// range(0..2): N, C, L; range(3): threads.
void BM_Stats(benchmark::State& state) {
  nnlab::set_num_threads(static_cast<int>(state.range(3)));
  Buffers b(state);
  for (auto _ : state) {
    nnlab::kernels::batch_norm_stats(b.in(b.x), b.channel(b.mean), b.channel(b.var));
    benchmark::DoNotOptimize(b.var.data());
  }
}

void BM_Forward(benchmark::State& state) {
  nnlab::set_num_threads(static_cast<int>(state.range(3)));
  Buffers b(state);
  for (auto _ : state) {
    nnlab::kernels::batch_norm_forward(b.in(b.x), b.channel(b.mean), b.channel(b.invstd), b.channel(b.weight),
                                       b.channel(b.bias), b.mut(b.out));
    benchmark::DoNotOptimize(b.out.data());
  }
}

void BM_Backward(benchmark::State& state) {
  nnlab::set_num_threads(static_cast<int>(state.range(3)));
  Buffers b(state);
  for (auto _ : state) {
    nnlab::kernels::batch_norm_backward(b.in(b.x), b.in(b.dout), b.channel(b.mean), b.channel(b.invstd),
                                        b.channel(b.weight), /*training=*/true, b.mut(b.dx), b.channel(b.dweight),
                                        b.channel(b.dbias));
    benchmark::DoNotOptimize(b.dx.data());
  }
}

void shapes(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"n", "c", "l", "threads"})->Unit(benchmark::kMicrosecond);
  const std::vector<std::vector<std::int64_t>> resnet18 = {{32, 64, 32 * 32}, {32, 64, 16 * 16}, {32, 128, 8 * 8},
                                                           {32, 256, 4 * 4},  {32, 512, 2 * 2},  {256, 512, 1}};
  for (const auto& s : resnet18) {
    for (std::int64_t threads : {1, 2}) bench->Args({s[0], s[1], s[2], threads});
  }
}

BENCHMARK(BM_Stats)->Apply(shapes);
BENCHMARK(BM_Forward)->Apply(shapes);
BENCHMARK(BM_Backward)->Apply(shapes);

}  // namespace

BENCHMARK_MAIN();
