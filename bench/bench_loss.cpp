// The classifier's tail: fused cross-entropy (forward, and forward + backward), softmax along
// the last dim and along dim 0, and the reductions a training step runs (a bias gradient's sum
// over the batch, argmax for accuracy). Args: rows, classes. Times are per call.
#include <benchmark/benchmark.h>

#include <vector>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/rng.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/ops/softmax.h"
#include "nnlab/tensor/creation.h"

namespace {

struct Batch {
  nnlab::Tensor logits, target;

  Batch(std::int64_t rows, std::int64_t classes) {
    nnlab::Rng rng(1);
    logits = nnlab::randn({rows, classes}, rng).requires_grad_();
    std::vector<std::int64_t> labels(static_cast<std::size_t>(rows));
    for (std::int64_t n = 0; n < rows; ++n) labels[n] = n % classes;
    target = nnlab::Tensor::from_vector<std::int64_t>(labels, {rows});
  }
};

void set_elements(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * state.range(0) * state.range(1));
}

void BM_CrossEntropyForward(benchmark::State& state) {
  const Batch batch(state.range(0), state.range(1));
  nnlab::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(nnlab::ops::cross_entropy(batch.logits, batch.target).data_ptr());
  set_elements(state);
}

void BM_CrossEntropyForwardBackward(benchmark::State& state) {
  const Batch batch(state.range(0), state.range(1));
  for (auto _ : state) {
    nnlab::ops::cross_entropy(batch.logits, batch.target).backward();
    benchmark::DoNotOptimize(batch.logits.grad().data_ptr());
    batch.logits.zero_grad();
  }
  set_elements(state);
}

void BM_LogSoftmaxLastDim(benchmark::State& state) {
  const Batch batch(state.range(0), state.range(1));
  nnlab::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(nnlab::ops::log_softmax(batch.logits, 1).data_ptr());
  set_elements(state);
}

void BM_SoftmaxDim0(benchmark::State& state) {
  const Batch batch(state.range(0), state.range(1));
  nnlab::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(nnlab::ops::softmax(batch.logits, 0).data_ptr());
  set_elements(state);
}

void BM_SumDim0(benchmark::State& state) {
  const Batch batch(state.range(0), state.range(1));
  nnlab::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(nnlab::ops::sum(batch.logits, 0).data_ptr());
  set_elements(state);
}

void BM_ArgmaxDim1(benchmark::State& state) {
  const Batch batch(state.range(0), state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(nnlab::ops::argmax(batch.logits, 1).data_ptr());
  set_elements(state);
}

const std::vector<std::vector<std::int64_t>> kShapes = {{128, 512, 4096}, {10, 1000}};

BENCHMARK(BM_CrossEntropyForward)->ArgsProduct(kShapes)->ArgNames({"rows", "classes"});
BENCHMARK(BM_CrossEntropyForwardBackward)->ArgsProduct(kShapes)->ArgNames({"rows", "classes"});
BENCHMARK(BM_LogSoftmaxLastDim)->ArgsProduct(kShapes)->ArgNames({"rows", "classes"});
BENCHMARK(BM_SoftmaxDim0)->ArgsProduct(kShapes)->ArgNames({"rows", "classes"});
BENCHMARK(BM_SumDim0)->ArgsProduct(kShapes)->ArgNames({"rows", "classes"});
BENCHMARK(BM_ArgmaxDim1)->ArgsProduct(kShapes)->ArgNames({"rows", "classes"});

}  // namespace

BENCHMARK_MAIN();
