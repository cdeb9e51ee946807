// Optimisers by hand: one step of each on values whose result fits in a comment, the shared
// Optimizer behaviour (zero_grad, skipped parameters, groups, state save/load), clipping and errors.
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/error.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/optim/adagrad.h"
#include "nnlab/optim/adam.h"
#include "nnlab/optim/adamw.h"
#include "nnlab/optim/clip.h"
#include "nnlab/optim/lr_schedule.h"
#include "nnlab/optim/rmsprop.h"
#include "nnlab/optim/sgd.h"
#include "nnlab/tensor/copy.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::optim {
using nnlab::DataError;
using nnlab::DTypeError;
using nnlab::ShapeError;
using nnlab::ValueError;
namespace {

// Hand results ignore eps (1e-8 against gradients of order 1).
constexpr Tol kHandTol{1e-7, 1e-7};

Tensor param(std::initializer_list<double> values, DType dtype = DType::f64) {
  return Tensor::from(values, dtype).requires_grad_();
}

void set_grad(const Tensor& p, const std::vector<double>& values) {
  p.set_grad(Tensor::from_doubles(values, {static_cast<std::int64_t>(values.size())}, p.dtype()));
}

TEST(SGD, PlainStepSubtractsLrTimesGradient) {
  const Tensor w = param({1, 2});
  SGD opt({w}, {.lr = 0.1});
  set_grad(w, {0.5, -1});
  opt.step();
  expect_close(w, Tensor::from({0.95, 2.1}, DType::f64), kHandTol);  // 1 - 0.1·0.5, 2 + 0.1·1
}

TEST(SGD, MomentumBufferStartsAtTheGradient) {
  for (DType dtype : {DType::f32, DType::f64}) {
    const Tensor w = param({1}, dtype);
    SGD opt({w}, {.lr = 0.1, .momentum = 0.9});
    set_grad(w, {0.5});
    opt.step();  // b = 0.5, w = 0.95
    opt.step();  // b = 0.9·0.5 + 0.5 = 0.95, w = 0.95 - 0.095 = 0.855
    expect_close(w, Tensor::from({0.855}, dtype), Tol::f32());
  }
}

TEST(SGD, NesterovAndL1) {
  const Tensor w = param({1});
  SGD opt({w}, {.lr = 0.1, .momentum = 0.5, .nesterov = true});
  set_grad(w, {1});
  opt.step();  // b = 1, step g + 0.5·b = 1.5: w = 0.85
  expect_close(w, Tensor::from({0.85}, DType::f64), kHandTol);

  const Tensor v = param({1, -1, 0});
  SGD l1({v}, {.lr = 0.1, .l1 = 0.5});
  set_grad(v, {0, 0, 0});
  l1.step();  // g = 0.5·sign(v)
  expect_close(v, Tensor::from({0.95, -0.95, 0}, DType::f64), kHandTol);
}

TEST(Adam, FirstStepMovesByLrAgainstTheGradientSign) {
  const Tensor w = param({1, 1});
  Adam opt({w}, {.lr = 0.1});
  set_grad(w, {0.5, -2});
  opt.step();  // m̂ = g, v̂ = g²: w -= 0.1 · g / |g|
  expect_close(w, Tensor::from({0.9, 1.1}, DType::f64), kHandTol);
}

TEST(Adam, WeightDecayIsAddedToTheGradient) {
  const Tensor w = param({1});
  Adam opt({w}, {.lr = 0.1, .weight_decay = 1});
  set_grad(w, {-0.5});
  opt.step();  // g = -0.5 + 1·1 = 0.5 > 0: w = 0.9
  expect_close(w, Tensor::from({0.9}, DType::f64), kHandTol);
}

TEST(AdamW, DecaysTheWeightsBeforeTheUpdate) {
  const Tensor w = param({1});
  AdamW opt({w}, {.lr = 0.1, .weight_decay = 0.1});
  set_grad(w, {0.5});
  opt.step();  // w = 1·(1 - 0.01) - 0.1 = 0.89
  expect_close(w, Tensor::from({0.89}, DType::f64), kHandTol);
  EXPECT_EQ(AdamWOptions{}.weight_decay, 1e-2);
}

TEST(RMSprop, FirstStep) {
  const Tensor w = param({1});
  RMSprop opt({w}, {.lr = 0.01});
  set_grad(w, {0.5});
  opt.step();  // s = 0.01·0.25 = 0.0025, sqrt(s) = 0.05: w = 1 - 0.01·0.5/0.05 = 0.9
  expect_close(w, Tensor::from({0.9}, DType::f64), kHandTol);
}

TEST(Adagrad, FirstStepsWithLrDecay) {
  const Tensor w = param({1});
  Adagrad opt({w}, {.lr = 0.1, .lr_decay = 1});
  set_grad(w, {2});
  opt.step();  // s = 4: w = 1 - 0.1·2/2 = 0.9
  opt.step();  // s = 8, clr = 0.1/2: w = 0.9 - 0.05·2/√8
  expect_close(w, Tensor::from({0.9 - 0.1 / std::sqrt(8.0)}, DType::f64), kHandTol);
}

TEST(Optimizer, ZeroGradDropsGradients) {
  const Tensor w = param({1});
  SGD opt({w}, {.lr = 0.1});
  set_grad(w, {1});
  opt.zero_grad();
  EXPECT_FALSE(w.grad().defined());
}

TEST(Optimizer, SkipsParametersWithoutGradientAndKeepsTheirStateEmpty) {
  const Tensor a = param({1});
  const Tensor b = param({1});
  Adam opt({a, b}, {.lr = 0.1});
  set_grad(b, {1});
  opt.step();
  expect_equal(a, Tensor::from({1}, DType::f64));
  expect_close(b, Tensor::from({0.9}, DType::f64), kHandTol);
  for (const auto& [key, value] : opt.state()) EXPECT_EQ(key.rfind("state.0.", 0), std::string::npos) << key;
}

TEST(Optimizer, GroupsUseTheirOwnLr) {
  const Tensor backbone = param({1});
  const Tensor head = param({1});
  SGD opt(std::vector<ParamGroup>{{.params = {backbone}, .lr = 0}, {.params = {head}, .lr = 0.5}}, {.lr = 0.1});
  set_grad(backbone, {1});
  set_grad(head, {1});
  opt.step();
  expect_equal(backbone, Tensor::from({1}, DType::f64));  // frozen: lr 0
  expect_close(head, Tensor::from({0.5}, DType::f64), kHandTol);
}

TEST(Optimizer, StateSaveLoadContinuesIdentically) {
  const Tensor w0 = param({1, -2, 3});
  Adam first({w0}, {.lr = 0.1, .amsgrad = true});
  const std::vector<std::vector<double>> grads = {{1, 2, -1}, {0.5, -1, 2}, {-1, 0.3, 0.2}, {2, 2, 2}};
  for (int k = 0; k < 2; ++k) {
    set_grad(w0, grads[k]);
    first.step();
  }
  testing::TempDir dir;
  const std::string path = (dir.path() / "optim.safetensors").string();
  io::save_safetensors(path, first.state());
  const Tensor w1 = clone(w0).requires_grad_();
  Adam second({w1}, {.lr = 0.7, .amsgrad = true});  // lr comes back from the state
  io::NamedTensors loaded;
  for (const auto& [key, value] : io::load_safetensors(path).tensors) loaded.emplace_back(key, value);
  second.load_state(loaded);
  EXPECT_EQ(second.param_groups()[0].lr, 0.1);
  for (int k = 2; k < 4; ++k) {
    set_grad(w0, grads[k]);
    set_grad(w1, grads[k]);
    first.step();
    second.step();
  }
  expect_equal(w1, w0);
}

TEST(Optimizer, LoadStateRejectsUnknownKeysAndShapes) {
  const Tensor w = param({1, 2});
  SGD opt({w}, {.lr = 0.1, .momentum = 0.9});
  expect_throw_with<DataError>([&] { opt.load_state({{"state.5.step", Tensor::scalar(1, DType::i64)}}); },
                               "names parameter 5");
  expect_throw_with<DataError>([&] { opt.load_state({{"bogus", Tensor::scalar(1)}}); }, "got 'bogus'");
  expect_throw_with<DataError>(
      [&] { opt.load_state({{"state.0.momentum_buffer", Tensor::zeros({3}, DType::f64)}}); }, "shape [2]");
}

TEST(Optimizer, RejectsBadHyperParameters) {
  const Tensor w = param({1});
  expect_throw_with<ValueError>([&] { Adam({w}, {.lr = -0.1}); }, "Adam: lr must be non-negative, got -0.1");
  expect_throw_with<ValueError>([&] { SGD({w}, {.lr = 0.1, .nesterov = true}); },
                                "SGD: nesterov needs momentum > 0 and dampening = 0");
  expect_throw_with<ValueError>([&] { SGD({w}, SGDOptions{}); }, "SGD: lr is required");
  expect_throw_with<ValueError>([&] { Adam({w}, {.betas = {1.0, 0.999}}); }, "betas[0] must be in [0, 1), got 1");
  expect_throw_with<DTypeError>([&] { SGD({Tensor::from({1.0}, DType::i64)}, {.lr = 0.1}); }, "float32 or float64");
}

TEST(Optimizer, StepRejectsGradientOfAnotherShape) {
  const Tensor w = param({1, 2});
  SGD opt({w}, {.lr = 0.1});
  w.set_grad(Tensor::zeros({3}, DType::f64));
  expect_throw_with<ShapeError>([&] { opt.step(); }, "SGD: gradient must have its parameter's shape [2], got [3]");
}

TEST(Clip, GradNormScalesToMaxNorm) {
  const Tensor a = param({1, 1});
  const Tensor b = param({1});
  const Tensor c = param({1});  // no gradient: ignored
  set_grad(a, {3, 0});
  set_grad(b, {-4});
  EXPECT_NEAR(clip_grad_norm_({a, b, c}, 1.0), 5.0, 1e-12);  // √(9 + 16)
  const double scale = 1.0 / (5.0 + 1e-6);
  expect_close(a.grad(), Tensor::from({3 * scale, 0}, DType::f64), Tol::f64());
  expect_close(b.grad(), Tensor::from({-4 * scale}, DType::f64), Tol::f64());
}

TEST(Clip, GradNormLeavesSmallGradientsAndHandlesInfNorm) {
  const Tensor a = param({1, 1});
  set_grad(a, {3, -4});
  EXPECT_NEAR(clip_grad_norm_({a}, 10.0), 5.0, 1e-12);
  expect_equal(a.grad(), Tensor::from({3, -4}, DType::f64));
  EXPECT_NEAR(clip_grad_norm_({a}, 2.0, INFINITY), 4.0, 1e-12);  // max |g|
  expect_close(a.grad(), Tensor::from({1.5, -2}, DType::f64), {1e-6, 1e-6});
  EXPECT_NEAR(clip_grad_norm_({a}, 100.0, 1.0), 3.5, 1e-6);  // |1.5| + |-2|
}

TEST(Clip, GradValueClamps) {
  const Tensor a = param({1, 1, 1}, DType::f32);
  set_grad(a, {-3, 0.2, 5});
  clip_grad_value_({a}, 1.0);
  expect_equal(a.grad(), Tensor::from({-1, 0.2, 1}, DType::f32));
  expect_throw_with<ValueError>([&] { clip_grad_value_({a}, -1); }, "clip_value must be non-negative, got -1");
}

TEST(LRScheduler, SetsGroupLrAndReportsIt) {
  const Tensor w = param({1});
  SGD opt({w}, {.lr = 1.0});
  StepLR schedule(opt, 2, 0.5);
  schedule.step();
  schedule.step();  // epoch 2: 1.0 · 0.5
  EXPECT_EQ(opt.param_groups()[0].lr, 0.5);
  EXPECT_EQ(schedule.last_lr()[0], 0.5);
  expect_throw_with<ValueError>([&] { StepLR(opt, 0); }, "step_size must be at least 1, got 0");
}

TEST(LRScheduler, OneCycleRejectsStepsPastTheEnd) {
  const Tensor w = param({1});
  SGD opt({w}, {.lr = 1.0});
  OneCycleLR schedule(opt, {.max_lr = 1.0, .total_steps = 2});
  schedule.step();
  schedule.step();
  expect_throw_with<ValueError>([&] { schedule.step(); }, "at most total_steps = 2 steps, got step 3");
}

}  // namespace
}  // namespace nnlab::optim

namespace nnlab::optim {

TEST(ParamGroups, UnsetFieldsTakeTheOptimizersOptions) {
  const Tensor a = Tensor::ones({2}).requires_grad_(), b = Tensor::ones({2}).requires_grad_();
  AdamW adamw({ParamGroup{.params = {a}}, ParamGroup{.params = {b}, .lr = 0.5, .weight_decay = 0.0}},
              {.lr = 0.01, .weight_decay = 0.02});
  EXPECT_EQ(adamw.param_groups()[0].lr, 0.01);
  EXPECT_EQ(adamw.param_groups()[0].weight_decay, 0.02);  // AdamW's default decay, as torch
  EXPECT_EQ(adamw.param_groups()[1].lr, 0.5);
  EXPECT_EQ(adamw.param_groups()[1].weight_decay, 0.0);
}

}  // namespace nnlab::optim
