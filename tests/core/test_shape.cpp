#include <gtest/gtest.h>

#include <limits>

#include "nnlab/core/check.h"
#include "nnlab/core/shape.h"
#include "testing/asserts.h"

namespace nnlab {

TEST(Shape, NumelAndRank) {
  const Shape s{2, 3, 4};
  EXPECT_EQ(s.rank(), 3);
  EXPECT_EQ(s.numel(), 24);
  EXPECT_EQ(Shape{}.numel(), 1);  // a scalar has one element
  EXPECT_EQ(s.to_string(), "[2, 3, 4]");
}

TEST(Shape, ContiguousStrides) {
  EXPECT_EQ(contiguous_strides(Shape{2, 3, 4}), (Shape{12, 4, 1}));
  EXPECT_TRUE(is_contiguous(Shape{2, 1, 4}, Shape{4, 99, 1}));  // size-1 dims may have any stride
  EXPECT_FALSE(is_contiguous(Shape{2, 3}, Shape{1, 2}));
}

TEST(Shape, InsertAndErase) {
  Shape s{2, 3};
  s.insert(1, 7);
  EXPECT_EQ(s, (Shape{2, 7, 3}));
  s.erase(0);
  EXPECT_EQ(s, (Shape{7, 3}));
}

TEST(Shape, NormalizeDimAcceptsNegativeAndRejectsOutOfRange) {
  EXPECT_EQ(normalize_dim(-1, 3, "op"), 2);
  expect_throw_with<ShapeError>([] { normalize_dim(3, 3, "sum"); }, "sum: dim 3 is out of range for a tensor of rank 3");
}

TEST(Shape, NumelPastInt64IsAShapeErrorNotAWrappedCount) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  expect_throw_with<ShapeError>(
      [] {
        (void)Shape({784, kMax}).numel();
      },
      "Shape: expected at most 2^63 - 1 elements, got shape [784, 9223372036854775807]");
  expect_throw_with<ShapeError>(
      [] {
        (void)Shape({std::int64_t{1} << 32, std::int64_t{1} << 31}).numel();
      },
      "expected at most 2^63 - 1 elements");
  EXPECT_EQ(Shape({std::int64_t{1} << 62, std::int64_t{1} << 62, 0}).numel(), 0);
  EXPECT_EQ(Shape({kMax}).numel(), kMax);
  expect_throw_with<ShapeError>(
      [] {
        (void)contiguous_strides(Shape{0, std::int64_t{1} << 62, 4});
      },
      "contiguous_strides: expected strides below 2^63, got shape [0, 4611686018427387904, 4]");
}

TEST(Shape, RejectsTooManyDims) {
  expect_throw_with<ShapeError>([] { Shape s{1, 1, 1, 1, 1, 1, 1, 1, 1}; }, "at most 8 dimensions");
}

}  // namespace nnlab
