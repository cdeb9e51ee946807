#include <gtest/gtest.h>

#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/join.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {

using testing::grad_input;
using testing::non_contiguous;

TEST(Cat, ValuesByHand) {
  const Tensor a = Tensor::from({{1, 2}, {3, 4}});
  expect_equal(ops::cat({a, Tensor::from({{5, 6}})}, 0), Tensor::from({{1, 2}, {3, 4}, {5, 6}}));
  expect_equal(ops::cat({a, Tensor::from_doubles({7, 8}, {2, 1})}, 1), Tensor::from({{1, 2, 7}, {3, 4, 8}}));
  expect_equal(ops::cat({a, a}, -1), Tensor::from({{1, 2, 1, 2}, {3, 4, 3, 4}}));
  expect_equal(ops::cat({a}), a);
}

TEST(Stack, ValuesByHand) {
  const Tensor a = Tensor::from({1, 2}), b = Tensor::from({3, 4});
  expect_equal(ops::stack({a, b}, 0), Tensor::from({{1, 2}, {3, 4}}));
  expect_equal(ops::stack({a, b}, 1), Tensor::from({{1, 3}, {2, 4}}));  // column i is input i
  expect_equal(ops::stack({a, b}, -1), Tensor::from({{1, 3}, {2, 4}}));
  EXPECT_EQ(ops::stack({Tensor::scalar(1), Tensor::scalar(2)}).shape(), Shape({2}));
}

TEST(Cat, GradientsOnEveryDim) {
  Rng rng(21);
  for (int dim = 0; dim < 3; ++dim) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    Shape s0{2, 3, 4}, s1{2, 3, 4};
    s1[dim] = 2;
    const Tensor a = grad_input(s0, rng), b = grad_input(s1, rng), c = grad_input(s0, rng);
    EXPECT_GRADCHECK([dim](const auto& in) { return ops::cat({in[0], in[1], in[2]}, dim); }, {a, b, c});
    EXPECT_GRADCHECK([dim](const auto& in) { return ops::cat({in[0], in[1], in[2]}, dim - 3); }, {a, b, c});
  }
}

TEST(Stack, GradientsOnEveryDim) {
  Rng rng(22);
  const Tensor a = grad_input({2, 3, 4}, rng), b = grad_input({2, 3, 4}, rng);
  for (int dim = -4; dim < 4; ++dim) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    EXPECT_EQ(ops::stack({a, b}, dim).shape()[dim < 0 ? dim + 4 : dim], 2);
    EXPECT_GRADCHECK([dim](const auto& in) { return ops::stack({in[0], in[1]}, dim); }, {a, b});
  }
}

TEST(Cat, NonContiguousInputs) {
  Rng rng(23);
  const Tensor a = grad_input({3, 4}, rng), b = grad_input({2, 4}, rng);
  const Tensor an = non_contiguous(a.detach()).requires_grad_(), bn = non_contiguous(b.detach()).requires_grad_();
  ASSERT_FALSE(an.is_contiguous());
  expect_equal(ops::cat({an, bn}, 0), ops::cat({a.detach(), b.detach()}, 0));
  expect_equal(ops::stack({an, an}, 1), ops::stack({a.detach(), a.detach()}, 1));
  EXPECT_GRADCHECK([](const auto& in) { return ops::cat({in[0], in[1]}, 0); }, {an, bn});
  EXPECT_GRADCHECK([](const auto& in) { return ops::stack({in[0], in[0]}, 2); }, {an});
}

TEST(Cat, TheSameInputTwiceGetsBothGradients) {
  const Tensor a = Tensor::from({1.0, 2.0}, DType::f64).requires_grad_();
  ops::cat({a, a, a}).backward(Tensor::from({1, 2, 3, 4, 5, 6}, DType::f64));
  expect_equal(a.grad(), Tensor::from({1 + 3 + 5, 2 + 4 + 6}, DType::f64));
}

TEST(Cat, OnlyInputsThatRequireGradGetOne) {
  const Tensor a = Tensor::from({1.0, 2.0}, DType::f64).requires_grad_();
  const Tensor b = Tensor::from({3.0}, DType::f64);
  ops::cat({b, a}).backward(Tensor::from({10, 20, 30}, DType::f64));
  expect_equal(a.grad(), Tensor::from({20, 30}, DType::f64));
  EXPECT_FALSE(b.grad().defined());
}

// Many inputs: one node with an edge per input.
TEST(Cat, ManyInputsKeepValuesAndGradients) {
  Rng rng(24);
  std::vector<Tensor> inputs;
  std::vector<double> expected;
  for (int i = 0; i < 70; ++i) {
    inputs.push_back(grad_input({1, 2}, rng));
    for (double v : inputs.back().to_vector<double>()) expected.push_back(v);
  }
  expect_equal(ops::cat(inputs, 0), Tensor::from_doubles(expected, {70, 2}, DType::f64));
  EXPECT_GRADCHECK([](const auto& in) { return ops::cat(in, 0); }, inputs);
  EXPECT_GRADCHECK([](const auto& in) { return ops::stack(in, 1); }, inputs);
}

TEST(Cat, EmptySlicesAndInt64) {
  const Tensor a = Tensor::from({{1, 2}, {3, 4}});
  expect_equal(ops::cat({a, Tensor::zeros({2, 0})}, 1), a);
  const Tensor labels = ops::cat({Tensor::from({1, 2}, DType::i64), Tensor::from({7}, DType::i64)});
  EXPECT_EQ(labels.dtype(), DType::i64);
  EXPECT_EQ(labels.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 7}));
}

TEST(Cat, LargeInputsUseThreadsAndStayExact) {
  Rng rng(25);
  const Tensor a = randn({300, 200}, rng), b = randn({300, 100}, rng);
  const Tensor c = ops::cat({a, b}, 1);
  const auto av = a.to_vector<float>(), bv = b.to_vector<float>(), cv = c.to_vector<float>();
  for (int r = 0; r < 300; r += 7) {
    ASSERT_EQ(cv[r * 300 + 13], av[r * 200 + 13]);
    ASSERT_EQ(cv[r * 300 + 250], bv[r * 100 + 50]);
  }
}

TEST(Cat, RejectsBadLists) {
  expect_throw_with<ValueError>([] { ops::cat({}); }, "cat: expected a non-empty list of tensors, got an empty one");
  expect_throw_with<ValueError>([] { ops::stack({}); }, "stack: expected a non-empty list");
  expect_throw_with<ShapeError>(
      [] { ops::cat({Tensor::zeros({2, 3}), Tensor::zeros({3, 4})}, 0); },
      "cat: tensor 1 has shape [3, 4], expected [*, 3] matching tensor 0 [2, 3] except in dim 0");
  expect_throw_with<ShapeError>(
      [] { ops::cat({Tensor::zeros({2, 3}), Tensor::zeros({2})}, 1); },
      "cat: tensor 1 has shape [2], expected [2, *] matching tensor 0 [2, 3] except in dim 1");
  expect_throw_with<ShapeError>([] { ops::stack({Tensor::zeros({2, 3}), Tensor::zeros({2, 4})}); },
                                "stack: tensor 1 has shape [2, 4], expected [2, 3] like tensor 0");
  expect_throw_with<DTypeError>([] { ops::cat({Tensor::zeros({2}), Tensor::zeros({2}, DType::f64)}); },
                                "cat: tensor 1 has dtype float64, expected float32 like tensor 0");
  expect_throw_with<ShapeError>([] { ops::cat({Tensor::zeros({2, 3})}, 2); }, "cat: dim 2 is out of range");
  expect_throw_with<ShapeError>([] { ops::stack({Tensor::zeros({2, 3})}, 3); }, "stack: dim 3 is out of range");
  expect_throw_with<ShapeError>([] { ops::cat({Tensor::scalar(1), Tensor::scalar(2)}); },
                                "cat: tensor 0 is zero-dimensional");
  expect_throw_with<ValueError>([] { ops::cat({Tensor::zeros({2}), Tensor()}); },
                                "cat: expected a tensor, got an undefined one");
}

}  // namespace nnlab
