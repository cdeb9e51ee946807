// Dropout's forward on hidden activations: the lane-parallel Philox mask kernel against the
// one-block-per-element reference it must match, and the whole op (mask + scale, two outputs).
// Arg: elements. Items per second count mask elements.
#include <benchmark/benchmark.h>

#include "nnlab/core/rng.h"
#include "nnlab/kernels/dropout.h"
#include "nnlab/ops/dropout.h"
#include "nnlab/tensor/creation.h"

namespace {

struct Buffers {
  nnlab::Tensor x, mask, out;
  explicit Buffers(std::int64_t n) {
    nnlab::Rng rng(1);
    x = nnlab::randn({n}, rng);
    mask = nnlab::Tensor::empty({n});
    out = nnlab::Tensor::empty({n});
  }
};

void BM_DropoutKernel(benchmark::State& state) {
  const Buffers b(state.range(0));
  std::uint64_t counter = 0;
  for (auto _ : state) {
    nnlab::kernels::dropout_forward(b.x.view(), 0.5, 7, counter, b.mask.mut_view(), b.out.mut_view());
    counter += nnlab::kernels::dropout_blocks(state.range(0));
    benchmark::DoNotOptimize(b.out.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_DropoutReference(benchmark::State& state) {
  const Buffers b(state.range(0));
  for (auto _ : state) {
    nnlab::kernels::dropout_forward_reference(b.x.view(), 0.5, 7, 0, b.mask.mut_view(), b.out.mut_view());
    benchmark::DoNotOptimize(b.out.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_DropoutOp(benchmark::State& state) {
  const Buffers b(state.range(0));
  nnlab::Rng rng(3);
  for (auto _ : state) {
    nnlab::Tensor y = nnlab::ops::dropout(b.x, 0.5, true, rng);
    benchmark::DoNotOptimize(y.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_DropoutKernel)->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 20)->ArgName("elements");
BENCHMARK(BM_DropoutReference)->Arg(1 << 16)->ArgName("elements");
BENCHMARK(BM_DropoutOp)->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 20)->ArgName("elements");

}  // namespace

BENCHMARK_MAIN();
