#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/ops/compare.h"
#include "nnlab/ops/indexing.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"

namespace nnlab {

namespace {

std::vector<std::int64_t> values_of(const Tensor& t) {
  EXPECT_EQ(t.dtype(), DType::i64);
  return t.to_vector<std::int64_t>();
}

using Ints = std::vector<std::int64_t>;

}  // namespace

TEST(Compare, TensorTensorWithBroadcasting) {
  const Tensor a = Tensor::from({1, 2, 3});      // (3)
  const Tensor b = Tensor::from_doubles({2, 3}, {2, 1});  // (2, 1): rows compare against 2, then 3
  EXPECT_EQ(ops::eq(a, b).shape(), Shape({2, 3}));
  EXPECT_EQ(values_of(ops::eq(a, b)), (Ints{0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(values_of(ops::ne(a, b)), (Ints{1, 0, 1, 1, 1, 0}));
  EXPECT_EQ(values_of(ops::lt(a, b)), (Ints{1, 0, 0, 1, 1, 0}));
  EXPECT_EQ(values_of(ops::le(a, b)), (Ints{1, 1, 0, 1, 1, 1}));
  EXPECT_EQ(values_of(ops::gt(a, b)), (Ints{0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(values_of(ops::ge(a, b)), (Ints{0, 1, 1, 0, 0, 1}));
}

TEST(Compare, TensorScalar) {
  const Tensor x = Tensor::from({-1.0, 0.5, 2.0}, DType::f64);
  EXPECT_EQ(values_of(ops::eq(x, 0.5)), (Ints{0, 1, 0}));
  EXPECT_EQ(values_of(ops::ne(x, 0.5)), (Ints{1, 0, 1}));
  EXPECT_EQ(values_of(ops::lt(x, 0.5)), (Ints{1, 0, 0}));
  EXPECT_EQ(values_of(ops::le(x, 0.5)), (Ints{1, 1, 0}));
  EXPECT_EQ(values_of(ops::gt(x, 0.5)), (Ints{0, 0, 1}));
  EXPECT_EQ(values_of(ops::ge(x, 0.5)), (Ints{0, 1, 1}));
}

TEST(Compare, Int64TensorsAndFractionalScalars) {
  const Tensor labels = Tensor::from({1, 2, 3}, DType::i64);
  EXPECT_EQ(values_of(ops::eq(labels, Tensor::from({1, 0, 3}, DType::i64))), (Ints{1, 0, 1}));
  EXPECT_EQ(values_of(ops::eq(labels, 2.0)), (Ints{0, 1, 0}));
  EXPECT_EQ(values_of(ops::lt(labels, 2.5)), (Ints{1, 1, 0}));  // compared in float64, not against 2
  EXPECT_EQ(values_of(ops::eq(labels, 2.5)), (Ints{0, 0, 0}));
  EXPECT_EQ(values_of(ops::lt(labels, std::numeric_limits<double>::infinity())), (Ints{1, 1, 1}));
}

TEST(Compare, NaNIsUnequalToEverything) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor x = Tensor::from({nan, 1.0});
  EXPECT_EQ(values_of(ops::eq(x, x)), (Ints{0, 1}));
  EXPECT_EQ(values_of(ops::ne(x, x)), (Ints{1, 0}));
  EXPECT_EQ(values_of(ops::le(x, x)), (Ints{0, 1}));
}

TEST(Compare, RecordsNoGradient) {
  const Tensor x = Tensor::from({1.0, -2.0}, DType::f64).requires_grad_();
  const Tensor mask = ops::gt(x, 0.0);
  EXPECT_FALSE(mask.requires_grad());
  EXPECT_EQ(mask.grad_fn(), nullptr);
  // The usual use: a mask for masked_fill (here, relu by hand).
  expect_equal(ops::masked_fill(x, ops::le(x, 0.0), 0.0), Tensor::from({1.0, 0.0}, DType::f64));
}

TEST(Compare, NonContiguousAndLargeInputs) {
  Rng rng(41);
  const Tensor a = randn({300, 200}, rng), b = randn({300, 200}, rng);
  const Tensor at = testing::non_contiguous(a);
  ASSERT_FALSE(at.is_contiguous());
  EXPECT_EQ(values_of(ops::lt(at, b)), values_of(ops::lt(a, b)));
  const auto av = a.to_vector<float>(), bv = b.to_vector<float>();
  const auto out = values_of(ops::ge(a, b));
  for (std::size_t i = 0; i < out.size(); i += 101) ASSERT_EQ(out[i], av[i] >= bv[i] ? 1 : 0);
}

TEST(Compare, RejectsMismatchedInputs) {
  expect_throw_with<DTypeError>([] { ops::eq(Tensor::zeros({2}), Tensor::zeros({2}, DType::i64)); },
                                "eq: both tensors must have one dtype, got float32 and int64");
  expect_throw_with<ShapeError>([] { ops::lt(Tensor::zeros({2, 3}), Tensor::zeros({4})); },
                                "lt: shapes [2, 3] and [4] cannot be broadcast");
  expect_throw_with<ValueError>([] { ops::ge(Tensor(), 1.0); }, "ge: expected a tensor, got an undefined one");
}

}  // namespace nnlab
