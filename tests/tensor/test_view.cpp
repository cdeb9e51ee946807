#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"

namespace nnlab {

namespace {
Tensor iota(const Shape& shape) { return view::reshape(arange(0, static_cast<double>(shape.numel()), 1, DType::f64), shape); }
}  // namespace

TEST(View, ReshapeInfersOneSize) {
  const Tensor t = view::reshape(iota({2, 6}), {3, -1});
  EXPECT_EQ(t.shape(), (Shape{3, 4}));
  expect_throw_with<ShapeError>([] { view::reshape(iota({2, 6}), {5, -1}); }, "cannot reshape [2, 6] (12 elements) into [5, -1]");
}

TEST(View, TransposeSwapsStrides) {
  const Tensor t = view::transpose(iota({2, 3}), 0, 1);
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{0, 3, 1, 4, 2, 5}));
}

TEST(View, ReshapeOfNonContiguousNeedsACopyWhenStridesForbid) {
  const Tensor t = view::transpose(iota({2, 3}), 0, 1);
  expect_throw_with<ShapeError>([&] { view::reshape(t, {6}); }, "cannot be viewed as [6]");
  EXPECT_EQ(view::reshape(contiguous(t), {6}).to_vector<double>(), (std::vector<double>{0, 3, 1, 4, 2, 5}));
}

TEST(View, ReshapeSplitsAContiguousChunkOfAView) {
  const Tensor t = view::narrow(iota({4, 6}), 0, 1, 2);  // rows 1..2, strides (6, 1)
  const Tensor r = view::reshape(t, {2, 2, 3});
  EXPECT_EQ(r.to_vector<double>(), t.to_vector<double>());
}

TEST(View, PermuteNarrowSelect) {
  const Tensor t = iota({2, 3, 4});
  EXPECT_EQ(view::permute(t, {2, 0, 1}).shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(view::narrow(t, 2, 1, 2).to_vector<double>(),
            (std::vector<double>{1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}));
  EXPECT_EQ(view::select(t, 1, -1).to_vector<double>(), (std::vector<double>{8, 9, 10, 11, 20, 21, 22, 23}));
  expect_throw_with<ShapeError>([&] { view::narrow(t, 1, 2, 2); }, "range [2, 4) is outside dim 1 of size 3");
  expect_throw_with<ShapeError>([&] { view::permute(t, {0, 0, 1}); }, "dim 0 appears twice");
}

TEST(View, SqueezeUnsqueeze) {
  const Tensor t = iota({2, 1, 3});
  EXPECT_EQ(view::squeeze(t, 1).shape(), (Shape{2, 3}));
  EXPECT_EQ(view::squeeze(t, 0).shape(), (Shape{2, 1, 3}));  // size 2 stays, as in PyTorch
  EXPECT_EQ(view::squeeze_all(t).shape(), (Shape{2, 3}));
  EXPECT_EQ(view::unsqueeze(t, -1).shape(), (Shape{2, 1, 3, 1}));
}

TEST(View, ExpandUsesZeroStrides) {
  const Tensor t = view::expand(Tensor::from({1, 2, 3}, DType::f64), {2, 3});
  EXPECT_EQ(t.strides(), (Shape{0, 1}));
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{1, 2, 3, 1, 2, 3}));
  expect_throw_with<ShapeError>([] { view::expand(Tensor::zeros({2, 3}), {4, 3}); }, "cannot expand [2, 3] to [4, 3]");
}

TEST(View, FlattenRange) {
  EXPECT_EQ(view::flatten(iota({2, 3, 4}), 1).shape(), (Shape{2, 12}));
  EXPECT_EQ(view::flatten(iota({2, 3, 4})).shape(), (Shape{24}));
}

TEST(View, BroadcastShapes) {
  EXPECT_EQ(view::broadcast_shapes({4, 1, 3}, {2, 1}, "add"), (Shape{4, 2, 3}));
  expect_throw_with<ShapeError>([] { view::broadcast_shapes({2, 3}, {4}, "mul"); },
                                "mul: shapes [2, 3] and [4] cannot be broadcast");
}

}  // namespace nnlab
