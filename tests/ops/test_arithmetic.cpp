#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/ops/arithmetic.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {

using testing::grad_input;
using testing::non_contiguous;

TEST(Arithmetic, ValuesByHand) {
  const Tensor a = Tensor::from({{1, 2}, {3, 4}});
  const Tensor b = Tensor::from({10, 20});
  expect_equal(a + b, Tensor::from({{11, 22}, {13, 24}}));  // b broadcast over rows
  expect_equal(a - b, Tensor::from({{-9, -18}, {-7, -16}}));
  expect_equal(a * b, Tensor::from({{10, 40}, {30, 80}}));
  expect_equal(b / a, Tensor::from({{10, 10}, {10.0f / 3.0f, 5}}));
  expect_equal(-a, Tensor::from({{-1, -2}, {-3, -4}}));
  expect_equal(2.0 - a, Tensor::from({{1, 0}, {-1, -2}}));
  expect_equal(1.0 / Tensor::from({4, 8}), Tensor::from({0.25, 0.125}));
  expect_equal(ops::maximum(a, Tensor::scalar(2.5)), Tensor::from({{2.5, 2.5}, {3, 4}}));
  expect_equal(ops::minimum(a, Tensor::scalar(2.5)), Tensor::from({{1, 2}, {2.5, 2.5}}));
}

TEST(Arithmetic, BroadcastsBothWays) {
  const Tensor col = Tensor::from_doubles({1, 2}, {2, 1});  // a column
  const Tensor row = Tensor::from({10, 20, 30}); // (3)
  expect_equal(col + row, Tensor::from({{11, 21, 31}, {12, 22, 32}}));
}

TEST(Arithmetic, GradientsMatchCentralDifferences) {
  Rng rng(7);
  const Tensor a = grad_input({3, 4}, rng), b = grad_input({3, 4}, rng, 0.5);
  EXPECT_GRADCHECK([](const auto& in) { return in[0] + in[1]; }, {a, b});
  EXPECT_GRADCHECK([](const auto& in) { return in[0] - in[1]; }, {a, b});
  EXPECT_GRADCHECK([](const auto& in) { return in[0] * in[1]; }, {a, b});
  EXPECT_GRADCHECK([](const auto& in) { return in[0] / in[1]; }, {a, b});
  EXPECT_GRADCHECK([](const auto& in) { return -in[0]; }, {a});
  EXPECT_GRADCHECK([](const auto& in) { return ops::maximum(in[0], in[1]); }, {a, b});
  EXPECT_GRADCHECK([](const auto& in) { return ops::minimum(in[0], in[1]); }, {a, b});
}

TEST(Arithmetic, BroadcastGradientsSumOverStretchedDims) {
  Rng rng(8);
  const Tensor a = grad_input({2, 3, 4}, rng), row = grad_input({4}, rng, 0.5), col = grad_input({3, 1}, rng, 0.5);
  EXPECT_GRADCHECK([](const auto& in) { return in[0] + in[1]; }, {a, row});
  EXPECT_GRADCHECK([](const auto& in) { return in[0] * in[1]; }, {a, col});
  EXPECT_GRADCHECK([](const auto& in) { return in[0] / in[1]; }, {a, col});
  EXPECT_GRADCHECK([](const auto& in) { return in[1] - in[0]; }, {a, row});
  EXPECT_GRADCHECK([](const auto& in) { return in[0] * in[1] + in[2]; }, {row, col, a});
}

TEST(Arithmetic, ScalarFormsAndTheirGradients) {
  Rng rng(9);
  const Tensor a = grad_input({2, 3}, rng, 0.5);
  EXPECT_GRADCHECK([](const auto& in) { return (in[0] + 1.5) * 2.0 - 3.0; }, {a});
  EXPECT_GRADCHECK([](const auto& in) { return 1.0 / in[0] + in[0] / 4.0 + (2.0 - in[0]); }, {a});
}

TEST(Arithmetic, NonContiguousInputs) {
  Rng rng(10);
  const Tensor a = grad_input({3, 4}, rng), b = grad_input({3, 4}, rng, 0.5);
  const Tensor an = non_contiguous(a.detach()).requires_grad_(), bn = non_contiguous(b.detach()).requires_grad_();
  ASSERT_FALSE(an.is_contiguous());
  expect_close(an * bn, a.detach() * b.detach(), Tol::f64());
  EXPECT_GRADCHECK([](const auto& in) { return in[0] * in[1] + in[0] / in[1]; }, {an, bn});
}

TEST(Arithmetic, LargeTensorsUseThreadsAndStayExact) {
  Rng rng(11);
  const Tensor a = randn({512, 300}, rng), b = randn({300}, rng);
  const Tensor c = a * b;
  const auto av = a.to_vector<float>(), bv = b.to_vector<float>(), cv = c.to_vector<float>();
  for (std::size_t i = 0; i < cv.size(); i += 997) ASSERT_EQ(cv[i], av[i] * bv[i % 300]);
}

TEST(Arithmetic, RejectsMismatchedShapesAndDTypes) {
  expect_throw_with<ShapeError>([] { Tensor::zeros({2, 3}) + Tensor::zeros({4}); },
                                "add: shapes [2, 3] and [4] cannot be broadcast");
  expect_throw_with<DTypeError>([] { Tensor::zeros({2}) * Tensor::zeros({2}, DType::f64); },
                                "mul: both tensors must have one dtype, got float32 and float64");
  expect_throw_with<DTypeError>([] { Tensor::zeros({2}, DType::i64) - 1.0; }, "sub: expected float32 or float64, got int64");
}

}  // namespace nnlab
