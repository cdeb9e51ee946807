#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/shape_ops.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {

using testing::grad_input;

TEST(ShapeOps, ViewsShareStorage) {
  const Tensor x = Tensor::zeros({2, 3});
  EXPECT_TRUE(ops::reshape(x, {3, 2}).same_storage(x));
  EXPECT_TRUE(ops::transpose(x, 0, 1).same_storage(x));
  EXPECT_TRUE(ops::narrow(x, 1, 1, 2).same_storage(x));
}

TEST(ShapeOps, ReshapeOfTransposedCopies) {
  const Tensor x = Tensor::from({{1, 2, 3}, {4, 5, 6}});
  expect_equal(ops::reshape(ops::transpose(x, 0, 1), {6}), Tensor::from({1, 4, 2, 5, 3, 6}));
}

TEST(ShapeOps, GradientsMatchCentralDifferences) {
  Rng rng(4);
  const Tensor x = grad_input({2, 3, 4}, rng);
  const Tensor w = grad_input({2, 3, 4}, rng);  // weights make every output element matter differently
  EXPECT_GRADCHECK([](const auto& in) { return ops::reshape(in[0], {4, 6}) * 2.0; }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::flatten(in[0], 1); }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::transpose(in[0], 0, 2) * 1.0; }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::permute(in[0], {1, 2, 0}) + 0.0; }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::narrow(in[0], 2, 1, 2) * 3.0; }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::select(in[0], 1, -1) * 3.0; }, {x});
  // Single elements, the one-copy path: an entry of a vector, of a row and of a column.
  const Tensor v = grad_input({3}, rng), row = grad_input({1, 3}, rng), col = grad_input({3, 1}, rng);
  EXPECT_GRADCHECK([](const auto& in) { return ops::select(in[0], 0, 1) * 3.0 + ops::select(in[0], 0, 2); }, {v});
  EXPECT_GRADCHECK([](const auto& in) { return ops::select(in[0], 1, 2) * 3.0; }, {row});
  EXPECT_GRADCHECK([](const auto& in) { return ops::select(in[0], 0, 2) * 3.0; }, {col});
  EXPECT_GRADCHECK([](const auto& in) { return ops::unsqueeze(in[0], 0) * 1.0; }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::squeeze(ops::narrow(in[0], 0, 1, 1), 0) * 1.0; }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::expand(ops::narrow(in[0], 0, 0, 1), {3, 3, 4}) * 1.0; }, {x});
  EXPECT_GRADCHECK(
      [](const auto& in) { return ops::contiguous(ops::transpose(in[0], 0, 1)) * ops::transpose(in[1], 0, 1); },
      {x, w});
}

TEST(ShapeOps, DTypeCastPassesGradientBack) {
  const Tensor x = Tensor::from({1.0, 2.0}).requires_grad_();
  const Tensor y = ops::to_dtype(x, DType::f64) * 3.0;
  y.backward(Tensor::ones({2}, DType::f64));
  EXPECT_EQ(x.grad().dtype(), DType::f32);
  expect_equal(x.grad(), Tensor::from({3.0, 3.0}));
}

TEST(ShapeOps, Errors) {
  expect_throw_with<ShapeError>(
      [] {
        ops::reshape(Tensor::zeros({2, 3}), {4});
      },
      "cannot reshape [2, 3] (6 elements) into [4]");
  expect_throw_with<ShapeError>(
      [] {
        ops::transpose(Tensor::zeros({2, 3}), 0, 2);
      },
      "transpose: dim 2 is out of range");
  expect_throw_with<ShapeError>(
      [] {
        ops::select(Tensor::zeros({2, 3}), 0, 2);
      },
      "select: index 2 is out of range for dim 0 of size 2");
}

}  // namespace nnlab
