#include <gtest/gtest.h>

#include <fmt/format.h>

#include "nnlab/core/error.h"
#include "nnlab/core/parallel.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/linear.h"
#include "nnlab/ops/matmul.h"
#include "nnlab/ops/shape_ops.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {
namespace {

using testing::grad_input;
using testing::non_contiguous;

const auto kLinear = [](const std::vector<Tensor>& in) { return ops::linear(in[0], in[1], in[2]); };
const auto kLinearNoBias = [](const std::vector<Tensor>& in) { return ops::linear(in[0], in[1]); };

TEST(Linear, ValuesByHand) {
  const Tensor x = Tensor::from({{1, 2, 3}, {4, 5, 6}});
  const Tensor weight = Tensor::from({{1, 0, -1}, {0.5, 0.5, 0.5}});
  const Tensor bias = Tensor::from({10, 20});
  // row 0: 1-3+10, 0.5·(1+2+3)+20;  row 1: 4-6+10, 0.5·(4+5+6)+20
  expect_equal(ops::linear(x, weight, bias), Tensor::from({{8, 23}, {8, 27.5}}));
  expect_equal(ops::linear(x, weight), Tensor::from({{-2, 3}, {-2, 7.5}}));
}

TEST(Linear, LeadingDimsAndVectors) {
  const Tensor weight = Tensor::from({{1, 0, -1}, {0.5, 0.5, 0.5}});
  const Tensor bias = Tensor::from({10, 20});
  const Tensor x3 = Tensor::from_doubles({1, 2, 3, 4, 5, 6, 0, 0, 0, 1, 1, 1}, {2, 2, 3});
  expect_equal(ops::linear(x3, weight, bias), Tensor::from_doubles({8, 23, 8, 27.5, 10, 20, 10, 21.5}, {2, 2, 2}));
  expect_equal(ops::linear(Tensor::from({1, 2, 3}), weight, bias), Tensor::from({8, 23}));  // (in) -> (out)
}

TEST(Linear, NoInputFeaturesGivesTheBias) {
  expect_equal(ops::linear(Tensor::zeros({2, 0}), Tensor::zeros({3, 0}), Tensor::from({1, 2, 3})),
               Tensor::from({{1, 2, 3}, {1, 2, 3}}));
  EXPECT_EQ(ops::linear(Tensor::zeros({0, 4}), Tensor::zeros({3, 4})).shape(), Shape({0, 3}));
}

TEST(Linear, GradientsMatchCentralDifferences) {
  Rng rng(7);
  EXPECT_GRADCHECK(kLinear, {grad_input({3, 4}, rng), grad_input({5, 4}, rng), grad_input({5}, rng)});
  EXPECT_GRADCHECK(kLinearNoBias, {grad_input({3, 4}, rng), grad_input({5, 4}, rng)});
  EXPECT_GRADCHECK(kLinear, {grad_input({2, 3, 4}, rng), grad_input({2, 4}, rng), grad_input({2}, rng)});
  EXPECT_GRADCHECK(kLinear, {grad_input({4}, rng), grad_input({3, 4}, rng), grad_input({3}, rng)});
  EXPECT_GRADCHECK(kLinear, {grad_input({1, 20}, rng), grad_input({17, 20}, rng), grad_input({17}, rng)});
}

TEST(Linear, GradientsOfNonContiguousInputs) {
  Rng rng(8);
  const Tensor x = non_contiguous(grad_input({3, 4}, rng)), weight = non_contiguous(grad_input({5, 4}, rng));
  ASSERT_FALSE(x.is_contiguous() || weight.is_contiguous());
  EXPECT_GRADCHECK(kLinear, {x, weight, grad_input({5}, rng)});
  EXPECT_GRADCHECK(kLinearNoBias, {non_contiguous(grad_input({2, 3, 4}, rng)), weight});
  // weight given as the transpose of an (in, out) parameter
  EXPECT_GRADCHECK([](const auto& in) { return ops::linear(in[0], ops::transpose(in[1], 0, 1), in[2]); },
                   {grad_input({3, 4}, rng), grad_input({4, 5}, rng), grad_input({5}, rng)});
}

TEST(Linear, GradientOfSomeInputsOnly) {
  Rng rng(9);
  const Tensor x = randn({3, 4}, rng, DType::f64);  // a data batch: no gradient
  EXPECT_GRADCHECK(kLinear, {x, grad_input({5, 4}, rng), grad_input({5}, rng)});
  EXPECT_GRADCHECK(kLinear, {grad_input({3, 4}, rng), randn({5, 4}, rng, DType::f64), randn({5}, rng, DType::f64)});
}

// The fused op against its composition x · Wᵀ + b, values and gradients; sizes past the
// small-kernel crossover so that both GEMM backends are exercised.
TEST(Linear, MatchesComposedMatmulPlusBias) {
  Rng rng(10);
  for (const std::int64_t rows : {3, 200}) {
    const Tensor x = grad_input({rows, 70}, rng), weight = grad_input({60, 70}, rng), bias = grad_input({60}, rng);
    const Tensor fused = ops::linear(x, weight, bias);
    const Tensor composed = ops::matmul(x, ops::transpose(weight, 0, 1)) + bias;
    expect_close(fused, composed, Tol::f64());
    const Tensor seed = randn(fused.shape(), rng, DType::f64);
    fused.backward(seed);
    const Tensor fused_grads[] = {x.grad(), weight.grad(), bias.grad()};
    for (const Tensor& t : {x, weight, bias}) t.zero_grad();
    composed.backward(seed);
    expect_close(fused_grads[0], x.grad(), Tol::f64());
    expect_close(fused_grads[1], weight.grad(), Tol::f64());
    expect_close(fused_grads[2], bias.grad(), Tol::f64());
  }
}

TEST(Linear, Float32LayerAgreesWithFloat64) {
  Rng rng(11);
  const Tensor x = randn({64, 300}, rng, DType::f64), weight = randn({100, 300}, rng, DType::f64);
  const Tensor bias = randn({100}, rng, DType::f64);
  const Tensor x32 = to_dtype(x, DType::f32).requires_grad_(), w32 = to_dtype(weight, DType::f32).requires_grad_();
  const Tensor b32 = to_dtype(bias, DType::f32).requires_grad_();
  const Tensor y32 = ops::linear(x32, w32, b32);
  y32.backward(Tensor::ones(y32.shape()));
  const Tensor x64 = x.requires_grad_(), w64 = weight.requires_grad_(), b64 = bias.requires_grad_();
  const Tensor y64 = ops::linear(x64, w64, b64);
  y64.backward(Tensor::ones(y64.shape(), DType::f64));
  expect_close(to_dtype(y32, DType::f64), y64, Tol::loose());
  expect_close(to_dtype(x32.grad(), DType::f64), x64.grad(), Tol::loose());
  expect_close(to_dtype(w32.grad(), DType::f64), w64.grad(), Tol::loose());
  expect_close(to_dtype(b32.grad(), DType::f64), b64.grad(), Tol::loose());
}

TEST(Linear, RejectsMismatchedSizes) {
  expect_throw_with<ShapeError>(
      [] { ops::linear(Tensor::zeros({32, 783}), Tensor::zeros({10, 784})); },
      "linear: input has 783 features, weight expects 784 (input [32, 783], weight [10, 784])");
  expect_throw_with<ShapeError>(
      [] { ops::linear(Tensor::zeros({32, 784}), Tensor::zeros({784})); },
      "linear: weight must be 2-D (out_features, in_features), got shape [784]");
  expect_throw_with<ShapeError>(
      [] { ops::linear(Tensor::zeros({32, 784}), Tensor::zeros({10, 784}), Tensor::zeros({784})); },
      "linear: bias must have shape [10] (out_features), got [784] (weight [10, 784])");
  expect_throw_with<ShapeError>(
      [] { ops::linear(Tensor::scalar(1), Tensor::zeros({1, 1})); },
      "linear: input must be at least 1-D (*, in_features), got shape []");
}

TEST(Linear, RejectsIntegerAndMixedDTypes) {
  expect_throw_with<DTypeError>(
      [] { ops::linear(Tensor::zeros({2, 3}, DType::i64), Tensor::zeros({4, 3})); },
      "linear: input: expected float32 or float64, got int64");
  expect_throw_with<DTypeError>(
      [] { ops::linear(Tensor::zeros({2, 3}), Tensor::zeros({4, 3}, DType::f64)); },
      "linear: input and weight: both tensors must have one dtype, got float32 and float64");
  expect_throw_with<DTypeError>(
      [] { ops::linear(Tensor::zeros({2, 3}), Tensor::zeros({4, 3}), Tensor::zeros({4}, DType::f64)); },
      "linear: input and bias: both tensors must have one dtype, got float32 and float64");
}

// linear_relu against linear then relu: the same bits in the output and in every gradient, for
// products on one thread and split across two (by rows: 1000 x 50; by columns: 64 x 256 and 64
// x 250, each thread's part of every row followed by the other's; along K: 64 x 64 from 784),
// with and without a bias, leading dims, float32 and float64, and when only some inputs need a
// gradient.
TEST(LinearRelu, SameBitsAsLinearThenRelu) {
  struct Case {
    Shape x, weight;
    bool bias;
    DType dtype;
    bool x_grad = true, weight_grad = true;
  };
  const std::vector<Case> cases = {{{20}, {17, 20}, true, DType::f32},
                                   {{1, 20}, {17, 20}, true, DType::f32},
                                   {{7, 33}, {50, 33}, true, DType::f32},
                                   {{1000, 50}, {50, 50}, true, DType::f32},
                                   {{64, 300}, {256, 300}, true, DType::f32},
                                   {{64, 300}, {250, 300}, true, DType::f32},
                                   {{1000, 1}, {50, 1}, true, DType::f32},
                                   {{3, 5, 8}, {6, 8}, false, DType::f32},
                                   {{300, 40}, {30, 40}, true, DType::f64},
                                   {{64, 784}, {64, 784}, false, DType::f32},
                                   {{9, 4}, {3, 4}, true, DType::f32, false, true},
                                   {{9, 4}, {3, 4}, true, DType::f32, true, false},
                                   {{9, 4}, {3, 4}, true, DType::f32, false, false}};
  const int saved = num_threads();
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    for (const Case& c : cases) {
      Rng rng(11);
      const Tensor x = randn(c.x, rng, c.dtype), weight = randn(c.weight, rng, c.dtype);
      const Tensor bias = c.bias ? randn({c.weight[0]}, rng, c.dtype) : Tensor();
      Shape out_shape = c.x;
      out_shape[out_shape.rank() - 1] = c.weight[0];
      const Tensor upstream = randn(out_shape, rng, c.dtype);
      // Each run gets its own leaves, so the gradients of the two runs do not mix.
      const auto run = [&](bool fused) {
        const Tensor xs = x.detach().requires_grad_(c.x_grad), ws = weight.detach().requires_grad_(c.weight_grad);
        const Tensor bs = c.bias ? bias.detach().requires_grad_() : Tensor();
        const Tensor y = fused ? ops::linear_relu(xs, ws, bs) : ops::relu(ops::linear(xs, ws, bs));
        if (y.requires_grad()) y.backward(upstream);
        return std::vector<Tensor>{y, xs.grad(), ws.grad(), c.bias ? bs.grad() : Tensor()};
      };
      const std::vector<Tensor> fused = run(true), separate = run(false);
      const std::string where = fmt::format("x {} weight {} on {} threads", c.x, c.weight, threads);
      for (std::size_t i = 0; i < fused.size(); ++i) {
        ASSERT_EQ(fused[i].defined(), separate[i].defined()) << where << ", result " << i;
        if (fused[i].defined()) {
          EXPECT_TRUE(tensors_close(fused[i], separate[i], {0.0, 0.0})) << where << ", result " << i;
        }
      }
    }
  }
  set_num_threads(saved);
}

TEST(LinearRelu, GradientsMatchCentralDifferences) {
  Rng rng(9);
  const auto fn = [](const std::vector<Tensor>& in) { return ops::linear_relu(in[0], in[1], in[2]); };
  EXPECT_GRADCHECK(fn, {grad_input({3, 4}, rng), grad_input({5, 4}, rng), grad_input({5}, rng)});
  EXPECT_GRADCHECK(fn, {grad_input({2, 3, 4}, rng), grad_input({2, 4}, rng), grad_input({2}, rng)});
  EXPECT_GRADCHECK([](const auto& in) { return ops::linear_relu(in[0], in[1]); },
                   {grad_input({6, 3}, rng), grad_input({4, 3}, rng)});
}

TEST(LinearRelu, ChecksItsArgumentsAsLinear) {
  expect_throw_with<ShapeError>(
      [] {
        ops::linear_relu(Tensor::zeros({32, 783}), Tensor::zeros({10, 784}));
      },
      "linear: input has 783 features, weight expects 784");
}

}  // namespace
}  // namespace nnlab
