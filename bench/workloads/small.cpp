// The workloads without a hidden layer: W7 rosenbrock (parameters only, float64) and W9
// linear-cifar (one Linear layer with an L2 penalty in the loss).
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "nnlab/autograd/gradient_replay.h"
#include "nnlab/core/error.h"
#include "nnlab/nn/linear.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/math.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/ops/shape_ops.h"
#include "nnlab/optim/adam.h"
#include "nnlab/optim/sgd.h"
#include "nnlab/tensor/creation.h"
#include "workloads/workload.h"

namespace nnlab::bench {
namespace {

// f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 of the 2-element parameter p = (x, y), from ops.
Tensor rosenbrock(const Tensor& p) {
  const Tensor x = ops::select(p, 0, 0);
  const Tensor y = ops::select(p, 0, 1);
  return ops::square(1.0 - x) + 100.0 * ops::square(y - ops::square(x));
}

std::unique_ptr<optim::Optimizer> rosenbrock_optimizer(const std::string& variant, const Tensor& p) {
  constexpr double kLr = 1e-4;
  if (variant == "gd") return std::make_unique<optim::SGD>(std::vector<Tensor>{p}, optim::SGDOptions{.lr = kLr});
  if (variant == "momentum") {
    return std::make_unique<optim::SGD>(std::vector<Tensor>{p}, optim::SGDOptions{.lr = kLr, .momentum = 0.9});
  }
  if (variant == "adam") {
    return std::make_unique<optim::Adam>(std::vector<Tensor>{p}, optim::AdamOptions{.lr = kLr, .betas = {0.9, 0.99}});
  }
  throw ValueError(fmt::format("W7: expected variant gd, momentum or adam, got '{}'", variant));
}

}  // namespace

// W7: Rosenbrock from (-4, -2) in float64, lr 1e-4, 100,000 steps per optimiser; one "sample"
// per step. The first step captures f and its backward and the others replay them
// (autograd/gradient_replay.h; the same bits as eager steps), as `nnlab optimize` does;
// --no-replay runs every step eagerly.
Result run_rosenbrock(const std::string& variant, const RunOptions& options) {
  const Tensor p = Tensor::from({-4.0, -2.0}, DType::f64).requires_grad_();
  std::unique_ptr<optim::Optimizer> optimizer = rosenbrock_optimizer(variant, p);
  std::optional<autograd::GradientReplay> gradient;
  Result result = time_training(options.steps.value_or(100'000), [&] {
    optimizer->zero_grad();
    Tensor value;
    if (gradient) {
      value = gradient->replay();
    } else if (options.replay) {
      value = gradient.emplace([&] { return rosenbrock(p); }).value();
    } else {
      value = rosenbrock(p);
      value.backward();
    }
    optimizer->step();
    return StepOutcome{value, 1};
  });
  result.batch = 1;
  return result;
}

// W9: 10,000 random N(0, 1) inputs of 3x32x32 (held flattened, 3072 features), random labels
// in 0..9; Linear 3072 -> 10 with torch's default init; loss = cross-entropy + 1e-3 * sum(W^2)
// (the L2 penalty on the weight, not the bias, written into the loss as in the course);
// SGD lr 1e-3, batch 100, 1,000 steps.
Result run_linear_cifar(const std::string& /*variant*/, const RunOptions& options) {
  constexpr std::int64_t kExamples = 10'000, kFeatures = 3 * 32 * 32, kClasses = 10;
  constexpr double kLambda = 1e-3;
  Rng rng(options.seed);
  data::Dataset dataset;
  dataset.inputs = randn({kExamples, kFeatures}, rng);
  std::vector<std::int64_t> labels(kExamples);
  for (std::int64_t& label : labels) label = static_cast<std::int64_t>(rng.below(kClasses));
  dataset.targets = Tensor::from_vector(labels, {kExamples});
  dataset.num_classes = kClasses;
  dataset.name = "random-cifar";

  nn::Linear model({.in_features = kFeatures, .out_features = kClasses, .rng = &rng});
  optim::SGD optimizer(model.parameters(), {.lr = 1e-3});
  const Tensor weight = model.weight();
  const LossFn loss = [&](const Tensor& outputs, const Tensor& targets) {
    return ops::cross_entropy(outputs, targets) + kLambda * ops::sum(ops::square(weight));
  };
  return train_supervised(model, optimizer, dataset,
                          {.batch_size = 100, .seed = options.seed, .prefetch = options.prefetch}, loss,
                          options.steps.value_or(1000));
}

}  // namespace nnlab::bench
