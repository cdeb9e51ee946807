// descend: optimisers of optim/ on functions of two variables, the recorded path, and the three
// ways a run diverges (f not finite, the gradient not finite, the point past the bound).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/analysis/descent.h"
#include "nnlab/analysis/expression.h"
#include "nnlab/autograd/gradient_replay.h"
#include "nnlab/core/error.h"
#include "nnlab/optim/adam.h"
#include "nnlab/optim/sgd.h"

namespace nnlab {
namespace {

using analysis::descend;
using analysis::Descent;

analysis::Objective objective(const std::string& text) {
  return
      [f = analysis::parse_expression(text)](const Tensor& x, const Tensor& y) { return analysis::evaluate(f, x, y); };
}

analysis::OptimizerFactory gd(double lr) {
  return [lr](std::vector<Tensor> params) {
    return std::make_unique<optim::SGD>(std::move(params), optim::SGDOptions{.lr = lr});
  };
}

TEST(Descent, GradientDescentOnBoothReachesItsMinimum) {
  // Booth's Hessian is [[10, 8], [8, 10]] (eigenvalues 18 and 2): lr 0.05 contracts the error by
  // 1 - 0.05 · 2 = 0.9 per step along the slow direction, 0.9^1000 ~ 1e-46.
  const Descent run = descend(objective("(x + 2*y - 7)^2 + (2*x + y - 5)^2"), {-8, -8}, gd(0.05), {.steps = 1000});
  ASSERT_FALSE(run.diverged) << run.reason;
  EXPECT_EQ(run.steps_run, 1000);
  EXPECT_NEAR(run.x.back(), 1.0, 1e-10);
  EXPECT_NEAR(run.y.back(), 3.0, 1e-10);
  EXPECT_LT(run.value.back(), 1e-20);
  EXPECT_LT(run.gradient_norm, 1e-9);
}

TEST(Descent, RecordsTheStartEveryKthStepAndTheLast) {
  const Descent run = descend(objective("x^2 + y^2"), {1, 2}, gd(0.25), {.steps = 10, .record_every = 4});
  EXPECT_EQ(run.steps, (std::vector<std::int64_t>{0, 4, 8, 10}));
  // x_k = x_0 (1 - 2 · 0.25)^k = x_0 / 2^k.
  EXPECT_EQ(run.x, (std::vector<double>{1, 1.0 / 16, 1.0 / 256, 1.0 / 1024}));
  EXPECT_EQ(run.y, (std::vector<double>{2, 2.0 / 16, 2.0 / 256, 2.0 / 1024}));
  EXPECT_EQ(run.value[0], 5);  // 1 + 4
}

TEST(Descent, OneStepOfGradientDescentByHand) {
  // f = x^2 + 3y^2 at (1, 2): grad (2, 12); lr 0.1 -> (0.8, 0.8), f = 0.64 + 1.92.
  const Descent run = descend(objective("x^2 + 3*y^2"), {1, 2}, gd(0.1), {.steps = 1});
  EXPECT_DOUBLE_EQ(run.x[1], 0.8);
  EXPECT_DOUBLE_EQ(run.y[1], 0.8);
  EXPECT_DOUBLE_EQ(run.value[1], 0.64 + 1.92);
}

TEST(Descent, AVariableTheFunctionIgnoresStaysPut) {
  const Descent run = descend(objective("(x - 3)^2"), {0, 7}, gd(0.1), {.steps = 50});
  EXPECT_NEAR(run.x.back(), 3, 1e-4);
  EXPECT_EQ(run.y.back(), 7);
}

TEST(Descent, StopsWhereThePointPassesTheBound) {
  // f = -x with lr 1e9: x_k = k · 1e9, finite everywhere, and past 1e10 at k = 11.
  const Descent run = descend(objective("-x"), {0, 0}, gd(1e9), {.steps = 100});
  ASSERT_TRUE(run.diverged);
  EXPECT_EQ(run.diverged_at, 11);
  EXPECT_EQ(run.reason, "|x| > 1e+10");
  EXPECT_EQ(run.steps_run, 10);
  EXPECT_EQ(run.steps.back(), 10);
  EXPECT_EQ(run.x.back(), 1e10);
}

TEST(Descent, StopsWhereFOverflows) {
  // -exp(x) with lr 1 climbs x_{k+1} = x_k + e^x_k: 0, 1, 1 + e, 44.9, then ~3e19, where
  // f = -e^(3e19) = -inf.
  const Descent run = descend(objective("-exp(x)"), {0, 0}, gd(1.0), {.steps = 100});
  ASSERT_TRUE(run.diverged);
  EXPECT_EQ(run.diverged_at, 4);
  EXPECT_EQ(run.reason, "f = -inf");
  EXPECT_EQ(run.steps_run, 3);
  EXPECT_NEAR(run.x.back(), 1 + std::exp(1.0) + std::exp(1 + std::exp(1.0)), 1e-9);
  EXPECT_NEAR(run.value.back(), -std::exp(run.x.back()), 1e-9 * std::exp(run.x.back()));
}

TEST(Descent, StopsWhereTheGradientIsNotFinite) {
  // sqrt(x) from 1 with lr 2: x_1 = 1 - 2 · 0.5 = 0, where f = 0 is finite and f' = inf.
  const Descent run = descend(objective("sqrt(x)"), {1, 0}, gd(2.0), {.steps = 10, .record_every = 5});
  ASSERT_TRUE(run.diverged);
  EXPECT_EQ(run.diverged_at, 1);
  EXPECT_EQ(run.reason, "the gradient is (inf, 0)");
  EXPECT_EQ(run.steps, (std::vector<std::int64_t>{0}));  // the last good iterate is the start
}

TEST(Descent, NonFiniteValuesEndTheRunAtTheirStep) {
  // 1/(x - 1) from 0 with gd lr 1: f' = -1/(x-1)^2 = -1, so x_1 = 1 and f(1) = inf.
  const Descent run = descend(objective("1/(x - 1)"), {0, 0}, gd(1.0), {.steps = 10, .record_every = 3});
  ASSERT_TRUE(run.diverged);
  EXPECT_EQ(run.diverged_at, 1);
  EXPECT_EQ(run.reason, "f = inf");
  EXPECT_EQ(run.value, (std::vector<double>{-1}));
}

TEST(Descent, AdamTakesStepsOfAboutLrAtFirst) {
  // Adam's first step is lr · g / (|g| + eps) per coordinate: lr · sign(g) to within eps.
  const analysis::OptimizerFactory adam = [](std::vector<Tensor> params) {
    return std::make_unique<optim::Adam>(std::move(params), optim::AdamOptions{.lr = 0.01});
  };
  const Descent run = descend(objective("x^2 + 3*y^2"), {1, -2}, adam, {.steps = 1});
  EXPECT_NEAR(run.x[1], 0.99, 1e-9);
  EXPECT_NEAR(run.y[1], -1.99, 1e-9);
}

TEST(Descent, RejectsBadOptions) {
  EXPECT_THROW(descend(objective("x"), {0, 0}, gd(0.1), {.steps = -1}), ValueError);
  EXPECT_THROW(descend(objective("x"), {0, 0}, gd(0.1), {.steps = 1, .record_every = 0}), ValueError);
}

// descend replays f's captured gradient (autograd/gradient_replay.h) where it can and runs f
// eagerly where it cannot: both must give the path of a plain eager loop, bit for bit.
std::vector<double> eager_path_x(const analysis::Objective& f, analysis::Point2D start,
                                 const analysis::OptimizerFactory& make, int steps) {
  const Tensor x = Tensor::scalar(start.x, DType::f64).requires_grad_();
  const Tensor y = Tensor::scalar(start.y, DType::f64).requires_grad_();
  const std::unique_ptr<optim::Optimizer> optimizer = make({x, y});
  std::vector<double> path{x.item()};
  for (int k = 0; k < steps; ++k) {
    optimizer->zero_grad();
    f(x, y).backward();
    optimizer->step();
    path.push_back(x.item());
  }
  return path;
}

TEST(Descent, ReplayedAndEagerObjectivesFollowTheEagerPathBitForBit) {
  const analysis::OptimizerFactory adam = [](std::vector<Tensor> params) {
    return std::make_unique<optim::Adam>(std::move(params), optim::AdamOptions{.lr = 1e-2, .betas = {0.9, 0.99}});
  };
  // Rosenbrock replays; a tensor exponent records an op that does not, so that one runs eagerly.
  const std::string rosenbrock = "(1 - x)^2 + 100*(y - x^2)^2", tensor_power = "(x^2 + 1)^(y^2 + 1) + sin(x*y)";
  const Tensor x = Tensor::scalar(1.0, DType::f64).requires_grad_(),
               y = Tensor::scalar(2.0, DType::f64).requires_grad_();
  EXPECT_THROW(autograd::GradientReplay([&] { return objective(tensor_power)(x, y); }), NotReplayableError);
  for (const std::string& text : {rosenbrock, tensor_power}) {
    SCOPED_TRACE(text);
    const Descent run = descend(objective(text), {1.5, 1.2}, adam, {.steps = 300});
    ASSERT_FALSE(run.diverged) << run.reason;
    EXPECT_EQ(run.x, eager_path_x(objective(text), {1.5, 1.2}, adam, 300));
  }
}

}  // namespace
}  // namespace nnlab
