// A Linear layer's step on small shapes, the regime the small GEMM kernel exists for:
// forward alone, and forward + sum + backward (every gradient: input, weight, bias).
// Args: batch, width (in_features = out_features). Times are per step, in nanoseconds.
#include <benchmark/benchmark.h>

#include "nnlab/core/rng.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/linear.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/creation.h"

namespace {

struct Layer {
  nnlab::Tensor x, weight, bias;

  Layer(std::int64_t batch, std::int64_t width) {
    nnlab::Rng rng(1);
    x = nnlab::randn({batch, width}, rng).requires_grad_();
    weight = nnlab::uniform({width, width}, -0.25, 0.25, rng).requires_grad_();
    bias = nnlab::uniform({width}, -0.25, 0.25, rng).requires_grad_();
  }
};

void BM_LinearForward(benchmark::State& state) {
  const Layer layer(state.range(0), state.range(1));
  for (auto _ : state) {
    nnlab::Tensor y = nnlab::ops::linear(layer.x, layer.weight, layer.bias);
    benchmark::DoNotOptimize(y.data_ptr());
  }
}

void BM_LinearForwardBackward(benchmark::State& state) {
  const Layer layer(state.range(0), state.range(1));
  for (auto _ : state) {
    nnlab::ops::sum(nnlab::ops::linear(layer.x, layer.weight, layer.bias)).backward();
    benchmark::DoNotOptimize(layer.weight.grad().data_ptr());
    for (const nnlab::Tensor& t : {layer.x, layer.weight, layer.bias}) t.zero_grad();
  }
}

// A hidden layer with its ReLU, forward + sum + backward: as one op (what Sequential runs) and
// as two. Compare with --benchmark_enable_random_interleaving=true on a noisy machine.
template <bool Fused>
void BM_LinearReluStep(benchmark::State& state) {
  const Layer layer(state.range(0), state.range(1));
  for (auto _ : state) {
    const nnlab::Tensor y = Fused ? nnlab::ops::linear_relu(layer.x, layer.weight, layer.bias)
                                  : nnlab::ops::relu(nnlab::ops::linear(layer.x, layer.weight, layer.bias));
    nnlab::ops::sum(y).backward();
    benchmark::DoNotOptimize(layer.weight.grad().data_ptr());
    for (const nnlab::Tensor& t : {layer.x, layer.weight, layer.bias}) t.zero_grad();
  }
}

BENCHMARK(BM_LinearForward)->ArgsProduct({{1, 4, 16}, {16, 32, 64}})->ArgNames({"batch", "width"});
BENCHMARK(BM_LinearForwardBackward)->ArgsProduct({{1, 4, 16}, {16, 32, 64}})->ArgNames({"batch", "width"});
// W6's hidden layer at its full batch, a W2-like layer at batch 64, and a small one
BENCHMARK(BM_LinearReluStep<true>)->Args({1000, 50})->Args({64, 256})->Args({16, 32})->ArgNames({"batch", "width"});
BENCHMARK(BM_LinearReluStep<false>)->Args({1000, 50})->Args({64, 256})->Args({16, 32})->ArgNames({"batch", "width"});

}  // namespace

BENCHMARK_MAIN();
