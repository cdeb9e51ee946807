// batch_norm: values by hand (checked against torch.nn.functional.batch_norm), running-statistic
// updates, eval mode, the fused backward against the composed ops, and bad inputs.
// Gradient checks and PyTorch parity run from the op table (cases_norm.cpp).
#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/batch_norm.h"
#include "nnlab/ops/math.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/ops/shape_ops.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::ops {
namespace {

constexpr DType kF64 = DType::f64;

// Channel 0 holds 1, 3, 5 and channel 1 holds 2, 6, 4: both have mean 3 and 4, biased
// variance 8/3 and unbiased variance 4.
Tensor three_by_two() { return Tensor::from({{1, 2}, {3, 6}, {5, 4}}, kF64); }

}  // namespace

TEST(BatchNorm, TrainingNormalisesWithBatchStatisticsAndAffine) {
  Tensor running_mean = Tensor::zeros({2}, kF64), running_var = Tensor::ones({2}, kF64);
  const Tensor y = batch_norm(three_by_two(), running_mean, running_var, Tensor::from({2, 0.5}, kF64),
                              Tensor::from({1, -1}, kF64), /*training=*/true, /*momentum=*/0.1);
  // y = (x - mean) / sqrt(8/3 + 1e-5) * weight + bias; numbers from PyTorch.
  expect_close(y, Tensor::from({{-1.4494851500, -1.6123712875}, {1.0, -0.3876287125}, {3.4494851500, -1.0}}, kF64),
               {1e-9, 1e-9});
  // running_mean = 0.9 * 0 + 0.1 * (3, 4); running_var = 0.9 * 1 + 0.1 * 4 (unbiased).
  expect_close(running_mean, Tensor::from({0.3, 0.4}, kF64), Tol::f64());
  expect_close(running_var, Tensor::from({1.3, 1.3}, kF64), Tol::f64());
}

TEST(BatchNorm, RunningStatisticsAccumulateOverCalls) {
  Tensor running_mean = Tensor::zeros({2}, kF64), running_var = Tensor::ones({2}, kF64);
  batch_norm(three_by_two(), running_mean, running_var, Tensor(), Tensor(), true, 0.1);
  batch_norm(three_by_two(), running_mean, running_var, Tensor(), Tensor(), true, 0.5);
  // PyTorch: (1.65, 2.2) and (2.65, 2.65).
  expect_close(running_mean, Tensor::from({1.65, 2.2}, kF64), Tol::f64());
  expect_close(running_var, Tensor::from({2.65, 2.65}, kF64), Tol::f64());
  // Eval uses them and leaves them alone; PyTorch's numbers.
  const Tensor y = batch_norm(three_by_two(), running_mean, running_var);
  expect_close(y,
               Tensor::from({{-0.3992910726, -0.1228587916}, {0.8292968430, 2.3343170396}, {2.0578847586, 1.1057291240}},
                            kF64),
               {1e-9, 1e-9});
  expect_close(running_mean, Tensor::from({1.65, 2.2}, kF64), Tol::f64());
}

TEST(BatchNorm, TrainingWithoutRunningStatisticsWorks) {
  const Tensor y = batch_norm(three_by_two(), Tensor(), Tensor(), Tensor(), Tensor(), true);
  expect_close(sum(y, 0), Tensor::zeros({2}, kF64), {1e-12, 0});
}

TEST(BatchNorm, Float32MatchesFloat64OnThreeDimensionalInput) {
  Rng rng(7);
  const Tensor x = randn({5, 4, 6}, rng, kF64);
  const Tensor w = randn({4}, rng, kF64), b = randn({4}, rng, kF64);
  const Tensor y64 = batch_norm(x, Tensor(), Tensor(), w, b, true);
  const Tensor y32 = batch_norm(ops::to_dtype(x, DType::f32), Tensor(), Tensor(), ops::to_dtype(w, DType::f32),
                                ops::to_dtype(b, DType::f32), true);
  expect_close(ops::to_dtype(y32, kF64), y64, Tol::loose());
}

TEST(BatchNorm, FusedBackwardMatchesComposedOps) {
  Rng rng(3);
  const Tensor x = randn({6, 3, 4}, rng, kF64).requires_grad_();
  const Tensor w = randn({3, 1}, rng, kF64).requires_grad_();  // (C, 1) broadcasts over L
  const Tensor b = randn({3, 1}, rng, kF64).requires_grad_();
  const Tensor g = randn({6, 3, 4}, rng, kF64);
  const Shape dims{0, 2};
  const Tensor mean_x = mean(x, dims, true), var_x = var(x, dims, /*correction=*/0, true);
  const Tensor composed = add(mul(div(sub(x, mean_x), sqrt(add(var_x, 1e-5))), w), b);
  sum(mul(composed, g)).backward();
  const Tensor dx = x.grad(), dw = w.grad(), db = b.grad();
  x.zero_grad();
  w.zero_grad();
  b.zero_grad();
  const Tensor fused = batch_norm(x, Tensor(), Tensor(), ops::reshape(w, {3}), ops::reshape(b, {3}), true);
  expect_close(fused, composed, {1e-10, 1e-10});
  sum(mul(fused, g)).backward();
  expect_close(x.grad(), dx, {1e-10, 1e-9});
  expect_close(w.grad(), dw, {1e-10, 1e-9});
  expect_close(b.grad(), db, {1e-10, 1e-9});
}

TEST(BatchNorm, RejectsOneValuePerChannelWhenTraining) {
  expect_throw_with<ValueError>(
      [] { batch_norm(Tensor::zeros({1, 16}), Tensor(), Tensor(), Tensor(), Tensor(), true); },
      "batch_norm: expected more than 1 value per channel when training, got input of shape [1, 16]");
  // Eval with one sample is fine, as in PyTorch.
  EXPECT_NO_THROW(batch_norm(Tensor::zeros({1, 16}), Tensor::zeros({16}), Tensor::ones({16})));
}

TEST(BatchNorm, RejectsBadShapesAndMissingStatistics) {
  expect_throw_with<ShapeError>([] { batch_norm(Tensor::zeros({4}), Tensor(), Tensor(), Tensor(), Tensor(), true); },
                                "batch_norm: expected input of rank 2 or more");
  expect_throw_with<ShapeError>(
      [] { batch_norm(Tensor::zeros({4, 3}), Tensor(), Tensor(), Tensor::ones({2}), Tensor(), true); },
      "batch_norm: expected weight of shape [3] for input of shape [4, 3], got [2]");
  expect_throw_with<ValueError>([] { batch_norm(Tensor::zeros({4, 3}), Tensor(), Tensor()); },
                                "expected running_mean and running_var in eval mode");
  expect_throw_with<DTypeError>(
      [] { batch_norm(Tensor::zeros({4, 3}), Tensor::zeros({3}, kF64), Tensor::ones({3}, kF64)); }, "batch_norm");
}

}  // namespace nnlab::ops
