#include <gtest/gtest.h>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/error.h"
#include "nnlab/ops/matmul.h"
#include "nnlab/ops/shape_ops.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {
namespace {

using testing::grad_input;
using testing::non_contiguous;

const auto kMatmul = [](const std::vector<Tensor>& in) { return ops::matmul(in[0], in[1]); };

TEST(Matmul, SmallProductByHand) {
  const Tensor a = Tensor::from({{1, 2}, {3, 4}});
  const Tensor b = Tensor::from({{5, 6, 7}, {8, 9, 10}});
  // [1·5+2·8, 1·6+2·9, 1·7+2·10], [3·5+4·8, 3·6+4·9, 3·7+4·10]
  expect_equal(ops::matmul(a, b), Tensor::from({{21, 24, 27}, {47, 54, 61}}));
  const Tensor column = Tensor::from_doubles({5, 6}, {2, 1}, DType::f64);
  expect_equal(ops::matmul(Tensor::from({{1, 2}, {3, 4}}, DType::f64), column),
               Tensor::from_doubles({17, 39}, {2, 1}, DType::f64));  // 1·5+2·6, 3·5+4·6
}

TEST(Matmul, BatchedProductsByHand) {
  // batch 0: [[1, 2]] · [[1], [1]] = [[3]];  batch 1: [[3, 4]] · [[2], [-1]] = [[2]]
  const Tensor a = Tensor::from_doubles({1, 2, 3, 4}, {2, 1, 2});
  const Tensor b = Tensor::from_doubles({1, 1, 2, -1}, {2, 2, 1});
  expect_equal(ops::matmul(a, b), Tensor::from_doubles({3, 2}, {2, 1, 1}));
  // a 2-D right operand is shared by every batch: [[1, 2]] · [[1], [1]] = 3, [[3, 4]] · ... = 7
  expect_equal(ops::matmul(a, Tensor::from_doubles({1, 1}, {2, 1})), Tensor::from_doubles({3, 7}, {2, 1, 1}));
}

TEST(Matmul, TransposedAndStridedViewsGiveTheSameValues) {
  Rng rng(3);
  const Tensor a = randn({5, 7}, rng, DType::f64), b = randn({7, 4}, rng, DType::f64);
  const Tensor want = ops::matmul(a, b);
  expect_close(ops::matmul(non_contiguous(a), b), want, Tol::f64());
  expect_close(ops::matmul(a, non_contiguous(b)), want, Tol::f64());
  expect_close(ops::matmul(non_contiguous(a), non_contiguous(b)), want, Tol::f64());
  // every other column: a layout GEMM cannot read directly, so matmul copies it first
  const Tensor wide = randn({5, 14}, rng, DType::f64);
  const Tensor strided = view::narrow(view::reshape(wide, {5, 7, 2}), 2, 0, 1);
  expect_close(ops::matmul(view::squeeze(strided, 2), b), ops::matmul(clone(view::squeeze(strided, 2)), b), Tol::f64());
}

TEST(Matmul, GradientsMatchCentralDifferences) {
  Rng rng(7);
  EXPECT_GRADCHECK(kMatmul, {grad_input({3, 4}, rng), grad_input({4, 5}, rng)});
  EXPECT_GRADCHECK(kMatmul, {grad_input({1, 6}, rng), grad_input({6, 1}, rng)});
  EXPECT_GRADCHECK(kMatmul, {grad_input({2, 3, 4}, rng), grad_input({2, 4, 5}, rng)});
  EXPECT_GRADCHECK(kMatmul, {grad_input({3, 2, 4}, rng), grad_input({4, 5}, rng)});  // b shared by the batch
}

TEST(Matmul, GradientsOfTransposedAndNonContiguousInputs) {
  Rng rng(8);
  const Tensor a = non_contiguous(grad_input({4, 3}, rng)), b = non_contiguous(grad_input({3, 5}, rng));
  ASSERT_FALSE(a.is_contiguous());
  EXPECT_GRADCHECK(kMatmul, {a, b});
  // Aᵀ · Bᵀ through recorded transposes
  EXPECT_GRADCHECK([](const auto& in) { return ops::matmul(ops::transpose(in[0], 0, 1), ops::transpose(in[1], 0, 1)); },
                   {grad_input({3, 4}, rng), grad_input({5, 3}, rng)});
  // batched, with non-contiguous matrices, and a non-contiguous batch shared with a 2-D b
  EXPECT_GRADCHECK(kMatmul, {non_contiguous(grad_input({2, 3, 4}, rng)), non_contiguous(grad_input({2, 4, 2}, rng))});
  EXPECT_GRADCHECK(kMatmul, {non_contiguous(grad_input({2, 3, 4}, rng)), non_contiguous(grad_input({4, 2}, rng))});
}

TEST(Matmul, GradientOfOneInputOnly) {
  Rng rng(9);
  const Tensor a = grad_input({3, 4}, rng), b = randn({4, 2}, rng, DType::f64);  // b is a constant
  EXPECT_GRADCHECK(kMatmul, {a, b});
  EXPECT_GRADCHECK(kMatmul, {randn({2, 3, 4}, rng, DType::f64), grad_input({4, 2}, rng)});
}

// Sizes past the small-kernel crossover run on oneDNN (float32) and the blocked kernel (float64).
TEST(Matmul, LargeFloat32AgreesWithFloat64) {
  Rng rng(10);
  const Tensor a = randn({150, 130}, rng, DType::f64), b = randn({130, 170}, rng, DType::f64);
  const Tensor want = ops::matmul(a, b);
  const Tensor got = ops::matmul(to_dtype(a, DType::f32), to_dtype(b, DType::f32));
  EXPECT_EQ(got.dtype(), DType::f32);
  expect_close(to_dtype(got, DType::f64), want, Tol::loose());
  const Tensor batched = ops::matmul(view::reshape(to_dtype(a, DType::f32), {3, 50, 130}), to_dtype(b, DType::f32));
  expect_close(to_dtype(view::reshape(batched, {150, 170}), DType::f64), want, Tol::loose());
}

TEST(Matmul, EmptySizes) {
  expect_equal(ops::matmul(Tensor::zeros({2, 0}), Tensor::zeros({0, 3})), Tensor::zeros({2, 3}));  // empty sums
  EXPECT_EQ(ops::matmul(Tensor::zeros({0, 4}), Tensor::zeros({4, 3})).shape(), Shape({0, 3}));
  EXPECT_EQ(ops::matmul(Tensor::zeros({0, 2, 4}), Tensor::zeros({4, 3})).shape(), Shape({0, 2, 3}));
}

TEST(Matmul, RecordsNothingUnderNoGrad) {
  Rng rng(11);
  const Tensor a = grad_input({2, 3}, rng), b = grad_input({3, 2}, rng);
  NoGradGuard guard;
  EXPECT_EQ(ops::matmul(a, b).grad_fn(), nullptr);
}

TEST(Matmul, RejectsMismatchedInnerSizes) {
  expect_throw_with<ShapeError>(
      [] { ops::matmul(Tensor::zeros({32, 784}), Tensor::zeros({30, 10})); },
      "matmul: [32, 784] x [30, 10]: inner sizes differ (784 vs 30)");
  expect_throw_with<ShapeError>(
      [] { ops::matmul(Tensor::zeros({2, 3, 4}), Tensor::zeros({5, 2})); },
      "matmul: [2, 3, 4] x [5, 2]: inner sizes differ (4 vs 5)");
}

TEST(Matmul, RejectsBadRanksAndBatches) {
  expect_throw_with<ShapeError>(
      [] { ops::matmul(Tensor::zeros({4}), Tensor::zeros({4, 2})); },
      "matmul: [4] x [4, 2]: expected 2-D x 2-D, 3-D x 3-D or 3-D x 2-D operands");
  expect_throw_with<ShapeError>(
      [] { ops::matmul(Tensor::zeros({3, 4}), Tensor::zeros({2, 4, 2})); },
      "matmul: [3, 4] x [2, 4, 2]: expected 2-D x 2-D, 3-D x 3-D or 3-D x 2-D operands");
  expect_throw_with<ShapeError>(
      [] { ops::matmul(Tensor::zeros({2, 3, 4}), Tensor::zeros({5, 4, 2})); },
      "matmul: [2, 3, 4] x [5, 4, 2]: batch sizes differ (2 vs 5)");
}

TEST(Matmul, RejectsIntegerAndMixedDTypes) {
  expect_throw_with<DTypeError>(
      [] { ops::matmul(Tensor::zeros({2, 2}, DType::i64), Tensor::zeros({2, 2}, DType::i64)); },
      "matmul: expected float32 or float64, got int64");
  expect_throw_with<DTypeError>(
      [] { ops::matmul(Tensor::zeros({2, 2}), Tensor::zeros({2, 2}, DType::f64)); },
      "matmul: both tensors must have one dtype, got float32 and float64");
}

}  // namespace
}  // namespace nnlab
