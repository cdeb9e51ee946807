#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/indexing.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {

using testing::grad_input;
using testing::non_contiguous;

namespace {

Tensor int64s(const std::vector<std::int64_t>& values, const Shape& shape) {
  return Tensor::from_vector(values, shape);
}
Tensor int64s(const std::vector<std::int64_t>& values) {
  return Tensor::from_vector(values, {static_cast<std::int64_t>(values.size())});
}

}  // namespace

TEST(IndexSelect, ValuesByHand) {
  const Tensor x = Tensor::from({{1, 2, 3}, {4, 5, 6}});
  expect_equal(ops::index_select(x, 1, int64s({2, 0, 2})), Tensor::from({{3, 1, 3}, {6, 4, 6}}));
  expect_equal(ops::index_select(x, 0, int64s({1})), Tensor::from({{4, 5, 6}}));
  expect_equal(ops::index_select(x, -2, int64s({1, 0})), Tensor::from({{4, 5, 6}, {1, 2, 3}}));
  EXPECT_EQ(ops::index_select(x, 0, Tensor::empty({0}, DType::i64)).shape(), Shape({0, 3}));
  const Tensor labels = ops::index_select(int64s({10, 11, 12}), 0, int64s({2, 2, 0}));
  EXPECT_EQ(labels.to_vector<std::int64_t>(), (std::vector<std::int64_t>{12, 12, 10}));
  // A strided index (column 0 of a 3x2 index matrix) into a 1-D tensor.
  const Tensor column = view::select(int64s({2, 9, 0, 9, 1, 9}, {3, 2}), 1, 0);
  EXPECT_EQ(ops::index_select(int64s({10, 11, 12}), 0, column).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{12, 10, 11}));
}

TEST(IndexSelect, DuplicatedIndicesAccumulateGradients) {
  const Tensor x = Tensor::from({1.0, 2.0, 3.0}, DType::f64).requires_grad_();
  ops::index_select(x, 0, int64s({0, 2, 0})).backward(Tensor::from({10, 20, 30}, DType::f64));
  expect_equal(x.grad(), Tensor::from({10 + 30, 0, 20}, DType::f64));
}

TEST(IndexSelect, GradientsOnEveryDim) {
  Rng rng(31);
  const Tensor x = grad_input({3, 4, 5}, rng);
  const Tensor index = int64s({2, 0, 2, 1, 2});  // duplicates; fits every dim
  for (int dim = 0; dim < 3; ++dim) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    EXPECT_GRADCHECK([&](const auto& in) { return ops::index_select(in[0], dim, index); }, {x});
  }
}

TEST(IndexSelect, NonContiguousInputAndIndex) {
  Rng rng(32);
  const Tensor x = grad_input({4, 5}, rng);
  const Tensor xn = non_contiguous(x.detach()).requires_grad_();
  const Tensor strided_index = view::narrow(view::reshape(int64s({3, 9, 0, 9, 3, 9}), {3, 2}), 1, 0, 1);  // 3, 0, 3
  const Tensor index = view::squeeze(strided_index, 1);
  ASSERT_FALSE(xn.is_contiguous());
  ASSERT_NE(index.stride(0), 1);
  for (int dim = 0; dim < 2; ++dim) {
    expect_equal(ops::index_select(xn, dim, index), ops::index_select(x.detach(), dim, int64s({3, 0, 3})));
    EXPECT_GRADCHECK([&](const auto& in) { return ops::index_select(in[0], dim, index); }, {xn});
  }
}

TEST(IndexSelect, LargeInputsMatchAnElementLoop) {
  Rng rng(33);
  const Tensor x = randn({300, 200}, rng, DType::f64);
  std::vector<std::int64_t> picks;
  for (int j = 0; j < 500; ++j) picks.push_back((j * 37) % 300);
  const Tensor out = ops::index_select(x, 0, int64s(picks));
  const auto xv = x.to_vector<double>(), ov = out.to_vector<double>();
  for (int j = 0; j < 500; j += 3) {
    for (int c = 0; c < 200; c += 11) ASSERT_EQ(ov[j * 200 + c], xv[picks[j] * 200 + c]);
  }
  // Backward: row r of the gradient counts how often r was picked.
  const Tensor xg = x.detach().requires_grad_();
  ops::index_select(xg, 0, int64s(picks)).backward(Tensor::ones({500, 200}, DType::f64));
  std::vector<double> counts(300, 0.0);
  for (std::int64_t p : picks) counts[p] += 1.0;
  const auto gv = xg.grad().to_vector<double>();
  for (int r = 0; r < 300; ++r) ASSERT_EQ(gv[r * 200 + 199], counts[r]);
}

TEST(Gather, ValuesByHand) {
  const Tensor x = Tensor::from({{1, 2}, {3, 4}});
  expect_equal(ops::gather(x, 1, int64s({0, 0, 1, 0}, {2, 2})), Tensor::from({{1, 1}, {4, 3}}));
  expect_equal(ops::gather(x, 0, int64s({1, 0}, {1, 2})), Tensor::from({{3, 2}}));
  expect_equal(ops::gather(x, 1, int64s({1, 0}, {2, 1})), Tensor::from_doubles({2, 3}, {2, 1}));  // one pick per row
}

TEST(Gather, DuplicatedIndicesAccumulateGradients) {
  const Tensor x = Tensor::from({{1, 2}, {3, 4}}, DType::f64).requires_grad_();
  ops::gather(x, 1, int64s({0, 0, 1, 0}, {2, 2})).backward(Tensor::from({{1, 2}, {3, 4}}, DType::f64));
  expect_equal(x.grad(), Tensor::from({{1 + 2, 0}, {4, 3}}, DType::f64));
}

TEST(Gather, GradientsOnEveryDim) {
  Rng rng(34);
  const Tensor x = grad_input({3, 4, 5}, rng);
  // index (2, 3, 4): smaller than x outside the gathered dim, values < 3 fit every dim.
  std::vector<std::int64_t> values;
  for (int i = 0; i < 24; ++i) values.push_back((i * 7) % 3);
  const Tensor index = int64s(values, {2, 3, 4});
  for (int dim = 0; dim < 3; ++dim) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    EXPECT_GRADCHECK([&](const auto& in) { return ops::gather(in[0], dim, index); }, {x});
  }
}

TEST(Gather, NonContiguousInputAndIndex) {
  Rng rng(35);
  const Tensor x = grad_input({4, 5}, rng);
  const Tensor xn = non_contiguous(x.detach()).requires_grad_();
  const Tensor index = int64s({0, 3, 3, 1, 2, 0, 1, 1, 3}, {3, 3});
  const Tensor index_t = view::transpose(index, 0, 1);
  for (int dim = 0; dim < 2; ++dim) {
    expect_equal(ops::gather(xn, dim, index_t), ops::gather(x.detach(), dim, clone(index_t)));
    EXPECT_GRADCHECK([&](const auto& in) { return ops::gather(in[0], dim, index_t); }, {xn});
  }
}

TEST(Gather, LargeInputsMatchAnElementLoop) {
  Rng rng(36);
  const Tensor x = randn({400, 300}, rng, DType::f64);
  std::vector<std::int64_t> values;
  for (int i = 0; i < 400 * 200; ++i) values.push_back((i * 131) % 400);
  const Tensor index = int64s(values, {400, 200});
  const auto ov = ops::gather(x, 0, index).to_vector<double>(), xv = x.to_vector<double>();
  for (int i = 0; i < 400 * 200; i += 97) ASSERT_EQ(ov[i], xv[values[i] * 300 + i % 200]);
  const Tensor xg = x.detach().requires_grad_();
  ops::gather(xg, 0, index).backward(Tensor::ones({400, 200}, DType::f64));
  std::vector<double> counts(400 * 300, 0.0);
  for (int i = 0; i < 400 * 200; ++i) counts[values[i] * 300 + i % 200] += 1.0;
  EXPECT_EQ(xg.grad().to_vector<double>(), counts);
}

TEST(Where, ValuesByHand) {
  const Tensor condition = int64s({1, 0}, {2, 1});
  const Tensor a = Tensor::from({{1, 2, 3}});
  const Tensor b = Tensor::from({{-1, -2, -3}, {-4, -5, -6}});
  expect_equal(ops::where(condition, a, b), Tensor::from({{1, 2, 3}, {-4, -5, -6}}));  // row 0 from a
  // A floating condition: nonzero (even negative or NaN) is true.
  const Tensor float_condition = Tensor::from({0.0, -2.0, 0.5});
  expect_equal(ops::where(float_condition, Tensor::from({1, 2, 3}), Tensor::scalar(9)), Tensor::from({9, 2, 3}));
}

TEST(Where, BroadcastGradients) {
  Rng rng(37);
  const Tensor a = grad_input({1, 4}, rng), b = grad_input({3, 4}, rng), c = grad_input({3, 1}, rng);
  const Tensor condition = int64s({1, 0, 1}, {3, 1});
  EXPECT_GRADCHECK([&](const auto& in) { return ops::where(condition, in[0], in[1]); }, {a, b});
  EXPECT_GRADCHECK([&](const auto& in) { return ops::where(condition, in[1], in[0]); }, {a, b});
  EXPECT_GRADCHECK([&](const auto& in) { return ops::where(int64s({0, 1, 1, 0}), in[0], in[1]); }, {c, a});
  // By hand: a (1, 4) is picked in rows 0 and 2, so each of its elements gets 2.
  const Tensor a1 = Tensor::ones({1, 4}, DType::f64).requires_grad_();
  ops::where(condition, a1, Tensor::zeros({3, 4}, DType::f64)).backward(Tensor::ones({3, 4}, DType::f64));
  expect_equal(a1.grad(), Tensor::full({1, 4}, 2.0, DType::f64));
}

TEST(Where, NonContiguousInputs) {
  Rng rng(38);
  const Tensor a = grad_input({3, 4}, rng), b = grad_input({3, 4}, rng);
  const Tensor condition = non_contiguous(int64s({1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0}, {3, 4}));
  const Tensor an = non_contiguous(a.detach()).requires_grad_();
  expect_equal(ops::where(condition, an, b.detach()), ops::where(clone(condition), a.detach(), b.detach()));
  EXPECT_GRADCHECK([&](const auto& in) { return ops::where(condition, in[0], in[1]); }, {an, b});
}

TEST(MaskedFill, ValuesByHand) {
  const Tensor x = Tensor::from({{1, 2}, {3, 4}});
  expect_equal(ops::masked_fill(x, int64s({0, 1, 1, 0}, {2, 2}), -7), Tensor::from({{1, -7}, {-7, 4}}));
  expect_equal(ops::masked_fill(x, int64s({1, 0}), 0), Tensor::from({{0, 2}, {0, 4}}));  // mask broadcast over rows
  expect_equal(ops::masked_fill(x, Tensor::from_doubles({0, 3}, {2, 1}), 5), Tensor::from({{1, 2}, {5, 5}}));
}

TEST(MaskedFill, GradientIsZeroWhereFilled) {
  const Tensor x = Tensor::from({{1, 2}, {3, 4}}, DType::f64).requires_grad_();
  ops::masked_fill(x, int64s({0, 1}), 0).backward(Tensor::from({{10, 20}, {30, 40}}, DType::f64));
  expect_equal(x.grad(), Tensor::from({{10, 0}, {30, 0}}, DType::f64));
  Rng rng(39);
  const Tensor y = grad_input({2, 3, 4}, rng);
  const Tensor mask = int64s({1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1}, {3, 4});
  EXPECT_GRADCHECK([&](const auto& in) { return ops::masked_fill(in[0], mask, 0.5); }, {y});
  const Tensor yn = non_contiguous(y.detach()).requires_grad_();
  EXPECT_GRADCHECK([&](const auto& in) { return ops::masked_fill(in[0], non_contiguous(mask), 0.5); }, {yn});
}

TEST(Indexing, RejectsBadIndices) {
  const Tensor x = Tensor::zeros({5, 3});
  expect_throw_with<ValueError>([&] { ops::index_select(x, 0, int64s({1, 7})); },
                                "index_select: index 7 is out of range for dim 0 of size 5");
  expect_throw_with<ValueError>([&] { ops::index_select(x, 1, int64s({-1})); },
                                "index_select: index -1 is out of range for dim 1 of size 3");
  expect_throw_with<ValueError>([&] { ops::index_select(x, 0, int64s({1, 9, -2, 7})); },
                                "index_select: index 9 is out of range for dim 0 of size 5");  // the first bad one
  expect_throw_with<DTypeError>([&] { ops::index_select(x, 0, Tensor::from({1.0f})); },
                                "index_select: index must be int64, got float32");
  expect_throw_with<ShapeError>([&] { ops::index_select(x, 0, int64s({1, 2}, {1, 2})); },
                                "index_select: index must be 1-D, got shape [1, 2]");
  expect_throw_with<ShapeError>([&] { ops::index_select(x, 2, int64s({0})); }, "index_select: dim 2 is out of range");
  expect_throw_with<ValueError>([&] { ops::gather(x, 1, int64s({0, 3}, {2, 1})); },
                                "gather: index 3 is out of range for dim 1 of size 3");
  expect_throw_with<ShapeError>([&] { ops::gather(x, 1, int64s({0, 1})); },
                                "gather: index must have the input's rank 2, got index [2] for input [5, 3]");
  expect_throw_with<ShapeError>(
      [&] { ops::gather(x, 0, int64s({0, 0, 0, 0}, {1, 4})); },
      "gather: index [1, 4] is larger than the input [5, 3] in dim 1; only dim 0 may be larger");
}

TEST(Indexing, RejectsBadSelections) {
  const Tensor x = Tensor::zeros({2, 3});
  expect_throw_with<DTypeError>([&] { ops::where(int64s({1}), x, Tensor::zeros({2, 3}, DType::f64)); },
                                "where: both tensors must have one dtype, got float32 and float64");
  expect_throw_with<ShapeError>([&] { ops::where(int64s({1, 0}), x, x); }, "where: shapes");
  expect_throw_with<ShapeError>([&] { ops::masked_fill(x, int64s({1, 0, 1, 0, 1, 0}, {3, 2}), 0); },
                                "masked_fill: shapes");
  expect_throw_with<ShapeError>([&] { ops::masked_fill(Tensor::zeros({3}), int64s({1, 0, 1}, {1, 3}), 0); },
                                "masked_fill: mask of shape [1, 3] must broadcast to the input's shape [3]");
}

}  // namespace nnlab
