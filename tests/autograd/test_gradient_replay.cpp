// GradientReplay against its eager twin: the same function evaluated and differentiated op by
// op, at the same parameter values, must give the same bits as the replay.
#include "nnlab/autograd/gradient_replay.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "nnlab/core/rng.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/math.h"
#include "nnlab/ops/matmul.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/ops/shape_ops.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab {
namespace {

using Function = std::function<Tensor(const std::vector<Tensor>&)>;

std::vector<Tensor> parameters_like(const std::vector<Tensor>& values) {
  std::vector<Tensor> params;
  for (const Tensor& v : values) params.push_back(clone(v).requires_grad_());
  return params;
}

// Bit-for-bit: same shape and every element equal (NaN equal to NaN is not needed here).
void expect_same_bits(const Tensor& actual, const Tensor& expected, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(actual.defined(), expected.defined());
  if (actual.defined()) expect_equal(actual, expected);
}

// Captures f over one set of parameters, evaluates it eagerly over a twin set, then moves both
// sets to new values `rounds` times (in place, as an optimiser does) and compares the replay's
// value and gradients with the eager ones each time.
void expect_replay_matches_eager(const Function& f, const std::vector<Tensor>& initial, int rounds = 4) {
  const std::vector<Tensor> replayed = parameters_like(initial);
  const std::vector<Tensor> eager = parameters_like(initial);
  autograd::GradientReplay replay([&] { return f(replayed); });
  Rng rng(7);
  for (int round = 0; round <= rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    if (round > 0) {
      for (std::size_t i = 0; i < initial.size(); ++i) {
        const Tensor moved = clone(initial[i]) + randn(initial[i].shape(), rng, initial[i].dtype()) * 0.3;
        copy_into(replayed[i], moved);
        copy_into(eager[i], moved);
        replayed[i].zero_grad();
      }
      replay.replay();
    }
    for (const Tensor& p : eager) p.zero_grad();
    const Tensor value = f(eager);
    value.backward();
    expect_same_bits(replay.value(), value.detach(), "value");
    for (std::size_t i = 0; i < initial.size(); ++i) {
      expect_same_bits(replayed[i].grad(), eager[i].grad(), "gradient of parameter " + std::to_string(i));
    }
  }
}

Tensor rosenbrock(const std::vector<Tensor>& params) {
  const Tensor x = ops::select(params[0], 0, 0);
  const Tensor y = ops::select(params[0], 0, 1);
  return ops::square(1.0 - x) + 100.0 * ops::square(y - ops::square(x));
}

}  // namespace

TEST(GradientReplay, RosenbrockGivesTheEagerBits) {
  expect_replay_matches_eager(rosenbrock, {Tensor::from({-4.0, -2.0}, DType::f64)});
}

TEST(GradientReplay, GradientDescentFollowsTheEagerPathBitForBit) {
  const Tensor p = Tensor::from({-1.5, 2.0}, DType::f64).requires_grad_();
  const Tensor q = Tensor::from({-1.5, 2.0}, DType::f64).requires_grad_();
  autograd::GradientReplay replay([&] { return rosenbrock({p}); });
  for (int step = 0; step < 300; ++step) {
    if (step > 0) {
      p.zero_grad();
      replay.replay();
    }
    q.zero_grad();
    rosenbrock({q}).backward();
    ASSERT_EQ(p.grad().data<double>()[0], q.grad().data<double>()[0]) << "step " << step;
    ASSERT_EQ(p.grad().data<double>()[1], q.grad().data<double>()[1]) << "step " << step;
    copy_into(p, p.detach() - p.grad() * 1e-3);
    copy_into(q, q.detach() - q.grad() * 1e-3);
  }
  EXPECT_EQ(p.data<double>()[0], q.data<double>()[0]);
  EXPECT_EQ(p.data<double>()[1], q.data<double>()[1]);
}

// Every op whose node is Replayable, with broadcasting, views that need copies, parameters
// used several times and a constant made inside the function.
TEST(GradientReplay, EveryReplayableOpGivesTheEagerBits) {
  const Function f = [](const std::vector<Tensor>& p) {
    const Tensor& a = p[0];  // [2, 3]
    const Tensor& b = p[1];  // [3]
    const Tensor& c = p[2];  // [3, 2]
    const Tensor scale = Tensor::from({0.5, -1.0, 2.0}, DType::f64);
    const Tensor u = a * b + ops::exp(a) / (ops::square(b) + 1.0) - scale;
    const Tensor w = ops::tanh(u) * ops::sigmoid(-u);
    const Tensor z = ops::reshape(ops::transpose(w, 0, 1), Shape{6});  // a copy: the transpose is not contiguous
    const Tensor q = ops::narrow(z, 0, 1, 4) * 2.0;
    const Tensor e = ops::expand(ops::unsqueeze(b, 0), Shape{2, 3});
    const Tensor k = ops::contiguous(ops::transpose(c, 0, 1));
    const Tensor m = ops::mean(ops::sin(e * k), 1);
    const Tensor rounded = ops::to_dtype(ops::to_dtype(m, DType::f32), DType::f64);
    const Tensor g = ops::log(ops::abs(ops::clone(c)) + 0.5) - ops::sqrt(ops::square(c) + 1.0) / 3.0;
    return ops::sum(ops::relu(q) + ops::softplus(q)) + ops::sum(m * rounded) + ops::sum(ops::pow(b, 3.0)) +
           ops::mean(ops::flatten(g)) + ops::sum(ops::select(ops::permute(c, Shape{1, 0}), 0, 1)) -
           4.0 / (ops::sum(ops::reciprocal(ops::cos(b) + 2.0)));
  };
  Rng rng(3);
  expect_replay_matches_eager(
      f, {randn({2, 3}, rng, DType::f64), randn({3}, rng, DType::f64), randn({3, 2}, rng, DType::f64)});
}

TEST(GradientReplay, Float32GivesTheEagerBits) {
  const Function f = [](const std::vector<Tensor>& p) { return ops::sum(ops::square(ops::tanh(p[0]) - p[1]) * 0.5); };
  Rng rng(5);
  expect_replay_matches_eager(f, {randn({64}, rng), randn({64}, rng)});
}

TEST(GradientReplay, AParameterTheValueDoesNotReachGetsNoGradient) {
  const Function f = [](const std::vector<Tensor>& p) { return ops::sum(ops::exp(p[0])); };
  expect_replay_matches_eager(f, {Tensor::from({0.1, 0.2}, DType::f64), Tensor::from({3.0}, DType::f64)});
}

TEST(GradientReplay, AReplayOverwritesTheGradientsInsteadOfAddingToThem) {
  const Tensor p = Tensor::from({0.5, 1.5}, DType::f64).requires_grad_();
  autograd::GradientReplay replay([&] { return rosenbrock({p}); });
  const Tensor first = clone(p.grad());
  replay.replay();
  replay.replay();  // no zero_grad in between
  expect_equal(p.grad(), first);
}

TEST(GradientReplay, RefusesAnOpThatCannotReplayAndLeavesEagerModeWorking) {
  const Tensor a = Tensor::from({{1.0, 2.0}, {3.0, 4.0}}, DType::f64).requires_grad_();
  expect_throw_with<NotReplayableError>(
      [&] { autograd::GradientReplay replay([&] { return ops::sum(ops::matmul(a, a)); }); },
      "cannot capture op 'matmul'");
  EXPECT_EQ(replay::active(), nullptr);
  EXPECT_FALSE(a.grad().defined());
  ops::sum(ops::matmul(a, a)).backward();  // eager, unchanged
  expect_equal(a.grad(), Tensor::from({{7.0, 11.0}, {9.0, 13.0}}, DType::f64));
}

TEST(GradientReplay, RefusesAValueThatDependsOnNoParameter) {
  const Tensor a = Tensor::from({1.0, 2.0}, DType::f64);
  expect_throw_with<NotReplayableError>([&] { autograd::GradientReplay replay([&] { return ops::sum(a); }); },
                                        "depends on no tensor that requires grad");
}

TEST(GradientReplay, RefusesAParameterThatAlreadyHasAGradient) {
  const Tensor p = Tensor::from({1.0, 2.0}, DType::f64).requires_grad_();
  ops::sum(p * 2.0).backward();
  expect_throw_with<NotReplayableError>([&] { autograd::GradientReplay replay([&] { return ops::sum(p * p); }); },
                                        "call zero_grad() first");
}

TEST(GradientReplay, RefusesToReplayInsideAnotherCapture) {
  const Tensor p = Tensor::from({1.0, 2.0}, DType::f64).requires_grad_();
  autograd::GradientReplay inner([&] { return ops::sum(p * p); });
  const Tensor q = Tensor::from({3.0}, DType::f64).requires_grad_();
  expect_throw_with<NotReplayableError>(
      [&] { autograd::GradientReplay outer([&] { return ops::sum(inner.replay() * q); }); },
      "cannot replay while a capture runs");
}

TEST(GradientReplay, RefusesAValueOfMoreThanOneElement) {
  const Tensor p = Tensor::from({1.0, 2.0}, DType::f64).requires_grad_();
  expect_throw_with<ShapeError>([&] { autograd::GradientReplay replay([&] { return p * 2.0; }); },
                                "must return one value, got shape [2]");
}

}  // namespace nnlab
