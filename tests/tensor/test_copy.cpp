#include <gtest/gtest.h>

#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"

namespace nnlab {

TEST(Copy, ContiguousOfTransposedViewReorders) {
  const Tensor t = view::transpose(Tensor::from({{1, 2, 3}, {4, 5, 6}}), 0, 1);
  const Tensor c = contiguous(t);
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_FALSE(c.same_storage(t));
  expect_equal(c, Tensor::from({{1, 4}, {2, 5}, {3, 6}}));
}

TEST(Copy, ContiguousOfContiguousIsTheSameTensor) {
  const Tensor t = Tensor::zeros({3});
  EXPECT_TRUE(contiguous(t).same_storage(t));
}

TEST(Copy, CloneNeverShares) {
  const Tensor t = Tensor::ones({3});
  EXPECT_FALSE(clone(t).same_storage(t));
}

TEST(Copy, ToDTypeConverts) {
  const Tensor t = to_dtype(Tensor::from({1.5, -2.5}), DType::i64);
  EXPECT_EQ(t.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, -2}));  // truncation, as torch
  EXPECT_EQ(to_dtype(Tensor::from({0.1}), DType::f64).dtype(), DType::f64);
}

TEST(Copy, CopyIntoBroadcastsAndConverts) {
  const Tensor dst = Tensor::zeros({2, 3}, DType::f64);
  copy_into(dst, Tensor::from({1, 2, 3}));
  expect_equal(dst, Tensor::from({{1, 2, 3}, {1, 2, 3}}, DType::f64));
}

TEST(Copy, LargeStridedCopyMatchesElementwise) {
  Rng rng(3);
  const Tensor t = randn({300, 200}, rng);
  const Tensor c = contiguous(view::transpose(t, 0, 1));
  const auto tv = t.to_vector<float>();
  const auto cv = c.to_vector<float>();
  for (int i = 0; i < 300; ++i) {
    for (int j = 0; j < 200; ++j) ASSERT_EQ(cv[j * 300 + i], tv[i * 200 + j]);
  }
}

}  // namespace nnlab
