// The shared supervised training loop and the Fashion-MNIST input of W1, W2, W4 and W5.
#include <chrono>
#include <utility>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/data/mnist.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/shape_ops.h"
#include "workloads/workload.h"

namespace nnlab::bench {
namespace {

// The loader's next batch; when an epoch ends, the first batch of the next (reshuffled) one.
data::Batch next_batch(data::DataLoader& loader) {
  std::optional<data::Batch> batch = loader.next();
  if (!batch) batch = loader.next();
  NNLAB_CHECK(batch.has_value(), ValueError, "the workload's dataset holds fewer examples than one batch");
  return std::move(*batch);
}

}  // namespace

Tensor cross_entropy_loss(const Tensor& outputs, const Tensor& targets) { return ops::cross_entropy(outputs, targets); }

Result train_supervised(nn::Module& model, optim::Optimizer& optimizer, const data::Dataset& dataset,
                        const data::LoaderOptions& loader_options, const LossFn& loss, std::int64_t steps,
                        std::int64_t warmup, const AfterBackward& after_backward) {
  model.train();
  data::DataLoader loader(dataset, loader_options);
  // Phase times of every step; the warm-up's are subtracted below. Reading the clock four
  // times a step costs well under a microsecond.
  PhaseSeconds phases;
  PhaseSeconds warmup_phases;
  std::int64_t done = 0;
  using Clock = std::chrono::steady_clock;
  const auto seconds = [](Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
  };
  Result result = time_training(steps, [&] {
    const auto t0 = Clock::now();
    const data::Batch batch = next_batch(loader);
    const auto t1 = Clock::now();
    optimizer.zero_grad();
    Tensor value = loss(model(batch.inputs), batch.targets);
    const auto t2 = Clock::now();
    value.backward();
    if (after_backward) after_backward(batch, value, done + 1);
    const auto t3 = Clock::now();
    optimizer.step();
    const auto t4 = Clock::now();
    phases.batch += seconds(t0, t1);
    phases.forward += seconds(t1, t2);
    phases.backward += seconds(t2, t3);
    phases.step += seconds(t3, t4);
    if (++done == warmup) warmup_phases = phases;
    return StepOutcome{value, batch.inputs.size(0)};
  }, warmup);
  result.batch = loader_options.batch_size;
  result.phases = PhaseSeconds{.batch = phases.batch - warmup_phases.batch,
                               .forward = phases.forward - warmup_phases.forward,
                               .backward = phases.backward - warmup_phases.backward,
                               .step = phases.step - warmup_phases.step};
  return result;
}

data::Dataset fashion_mnist_flat() {
  data::Dataset dataset = data::load_mnist(data::kFashionMnistDir, data::Split::train, {.fashion = true});
  NoGradGuard no_grad;
  // (N, 1, 28, 28) in [0, 1] -> (N, 784), (x - mean) / std with the dataset's usual constants.
  const Tensor flat = ops::reshape(dataset.inputs, {dataset.size(), 28 * 28});
  dataset.inputs = ops::contiguous((flat - 0.2860) / 0.3530);
  return dataset;
}

data::Dataset fashion_mnist_images() {
  data::Dataset dataset = data::load_mnist(data::kFashionMnistDir, data::Split::train, {.fashion = true});
  NoGradGuard no_grad;
  // (N, 1, 28, 28) in [0, 1] -> (x - mean) / std, the shape kept.
  dataset.inputs = ops::contiguous((dataset.inputs - 0.2860) / 0.3530);
  return dataset;
}

}  // namespace nnlab::bench
