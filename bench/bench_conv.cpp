// float32 convolution kernels, direct loops against oneDNN, from tiny to CIFAR-sized layers:
// forward, backward-data and backward-weights (with bias), and a layer's training step. The tiny shapes set
// kDnnlMinMacs in kernels/conv.cpp. Args: backend (0 reference, 1 oneDNN), shape (an index into kShapes).
#include <benchmark/benchmark.h>

#include <memory>
#include <span>
#include <vector>

#include "nnlab/core/rng.h"
#include "nnlab/kernels/conv.h"
#include "nnlab/kernels/cpu/conv_backends.h"

namespace {

using nnlab::kernels::Conv2dGeometry;

// N, C, H(=W), O, K (square kernel, stride 1, padding K / 2).
struct Shape {
  std::int64_t n, c, hw, o, k;
};

const std::vector<Shape> kShapes = {
    {1, 4, 8, 4, 3},    {2, 4, 8, 8, 3},     {2, 8, 12, 8, 3},   {8, 16, 12, 16, 3},
    {64, 1, 28, 16, 5}, {64, 16, 14, 32, 3}, {64, 3, 32, 32, 3}, {64, 32, 16, 64, 3},
};

struct Problem {
  Conv2dGeometry g;
  std::vector<float> x, weight, bias, out, dout, dx, dweight, dbias;

  explicit Problem(const Shape& s) {
    const std::int64_t pad = s.k / 2;
    g = {.batch = s.n,
         .in_channels = s.c,
         .in_h = s.hw,
         .in_w = s.hw,
         .out_channels = s.o,
         .kernel_h = s.k,
         .kernel_w = s.k,
         .pad_h = pad,
         .pad_w = pad};
    g.out_h = g.out_w = s.hw + 2 * pad - s.k + 1;
    x = random(s.n * s.c * s.hw * s.hw);
    weight = random(s.o * s.c * s.k * s.k);
    bias = random(s.o);
    dout = random(s.n * s.o * g.out_h * g.out_w);
    out.resize(dout.size());
    dx.resize(x.size());
    dweight.resize(weight.size());
    dbias.resize(bias.size());
  }

  static std::vector<float> random(std::int64_t count) {
    std::vector<float> v(static_cast<std::size_t>(count));
    nnlab::Rng(1).fill_normal(std::span<float>(v), 0.0, 1.0);
    return v;
  }
};

void set_counters(benchmark::State& state, const Problem& p) {
  state.counters["MMAC"] = static_cast<double>(p.g.macs()) / 1e6;
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * static_cast<double>(p.g.macs()) * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

void BM_ConvForward(benchmark::State& state) {
  Problem p(kShapes[static_cast<std::size_t>(state.range(1))]);
  for (auto _ : state) {
    if (state.range(0) == 0) {
      nnlab::kernels::cpu::conv2d_forward_reference<float>(p.g, p.x.data(), p.weight.data(), p.bias.data(),
                                                           p.out.data());
    } else {
      nnlab::kernels::cpu::conv2d_forward_dnnl(p.g, p.x.data(), p.weight.data(), p.bias.data(), p.out.data());
    }
    benchmark::DoNotOptimize(p.out.data());
  }
  set_counters(state, p);
}

void BM_ConvBackwardData(benchmark::State& state) {
  Problem p(kShapes[static_cast<std::size_t>(state.range(1))]);
  for (auto _ : state) {
    if (state.range(0) == 0) {
      nnlab::kernels::cpu::conv2d_backward_data_reference<float>(p.g, p.dout.data(), p.weight.data(), p.dx.data());
    } else {
      nnlab::kernels::cpu::conv2d_backward_data_dnnl(p.g, p.dout.data(), p.weight.data(), p.dx.data());
    }
    benchmark::DoNotOptimize(p.dx.data());
  }
  set_counters(state, p);
}

void BM_ConvBackwardWeights(benchmark::State& state) {
  Problem p(kShapes[static_cast<std::size_t>(state.range(1))]);
  for (auto _ : state) {
    if (state.range(0) == 0) {
      nnlab::kernels::cpu::conv2d_backward_weights_reference<float>(p.g, p.x.data(), p.dout.data(), p.dweight.data(),
                                                                    p.dbias.data());
    } else {
      nnlab::kernels::cpu::conv2d_backward_weights_dnnl(p.g, p.x.data(), p.dout.data(), p.dweight.data(),
                                                        p.dbias.data());
    }
    benchmark::DoNotOptimize(p.dweight.data());
  }
  set_counters(state, p);
}

// One training step of a layer on oneDNN: forward, then both gradients. kept = 0: three separate
// calls, each converting its own operands; kept = 1: the forward keeps its converted input and one
// backward call converts dout once (what autograd runs). Shapes here are the W5 / W8 layers.
const std::vector<Shape> kStepShapes = {
    {128, 32, 14, 64, 3}, {128, 64, 7, 64, 3}, {32, 64, 16, 64, 3}, {32, 256, 4, 256, 3}};

void BM_ConvTrainingStep(benchmark::State& state) {
  Problem p(kStepShapes[static_cast<std::size_t>(state.range(1))]);
  namespace cpu = nnlab::kernels::cpu;
  for (auto _ : state) {
    if (state.range(0) == 0) {
      cpu::conv2d_forward_dnnl(p.g, p.x.data(), p.weight.data(), p.bias.data(), p.out.data());
      cpu::conv2d_backward_data_dnnl(p.g, p.dout.data(), p.weight.data(), p.dx.data());
      cpu::conv2d_backward_weights_dnnl(p.g, p.x.data(), p.dout.data(), p.dweight.data(), p.dbias.data());
    } else {
      std::shared_ptr<const cpu::DnnlBuffer> kept;
      cpu::conv2d_forward_dnnl(p.g, p.x.data(), p.weight.data(), p.bias.data(), p.out.data(), &kept);
      cpu::conv2d_backward_dnnl(p.g, p.dout.data(), p.weight.data(), p.x.data(), kept.get(), p.dx.data(),
                                p.dweight.data(), p.dbias.data());
    }
    benchmark::DoNotOptimize(p.dweight.data());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(6.0 * static_cast<double>(p.g.macs()) * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_ConvForward)->ArgsProduct({{0, 1}, {0, 1, 2, 3, 4, 5, 6, 7}})->ArgNames({"dnnl", "shape"});
BENCHMARK(BM_ConvBackwardData)->ArgsProduct({{0, 1}, {0, 1, 2, 3, 4, 5, 6, 7}})->ArgNames({"dnnl", "shape"});
BENCHMARK(BM_ConvBackwardWeights)->ArgsProduct({{0, 1}, {0, 1, 2, 3, 4, 5, 6, 7}})->ArgNames({"dnnl", "shape"});
BENCHMARK(BM_ConvTrainingStep)->ArgsProduct({{0, 1}, {0, 1, 2, 3}})->ArgNames({"kept", "shape"})->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
