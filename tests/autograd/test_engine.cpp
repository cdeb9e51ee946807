#include <gtest/gtest.h>

#include "nnlab/autograd/engine.h"
#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/shape_ops.h"
#include "testing/asserts.h"

namespace nnlab {

TEST(Engine, ChainRuleThroughSharedSubexpression) {
  // y = (x * x) * x = x^3, dy/dx = 3 x^2 = 12 at x = 2; x is used three times.
  const Tensor x = Tensor::scalar(2.0, DType::f64).requires_grad_();
  const Tensor y = (x * x) * x;
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 12.0);
}

TEST(Engine, GradientsAccumulateAcrossBackwardCalls) {
  const Tensor x = Tensor::scalar(3.0, DType::f64).requires_grad_();
  (x * 2.0).backward();
  (x * 5.0).backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 7.0);
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(Engine, AccumulatesInPlaceOnlyIntoAGradientNobodyElseHolds) {
  const Tensor x = Tensor::from({1, 2}, DType::f64).requires_grad_();
  (x * 2.0).backward(Tensor::ones({2}, DType::f64));
  const void* buffer = x.grad().data_ptr();
  (x * 3.0).backward(Tensor::ones({2}, DType::f64));
  EXPECT_EQ(x.grad().data_ptr(), buffer);  // no other handle: added in place
  const Tensor held = x.grad();
  (x * 4.0).backward(Tensor::ones({2}, DType::f64));
  expect_equal(held, Tensor::from({5, 5}, DType::f64));  // the held gradient is left as it was
  expect_equal(x.grad(), Tensor::from({9, 9}, DType::f64));
}

TEST(Engine, ASharedGradientReachingOneNodeTwiceIsNotChanged) {
  // a + a hands the same gradient tensor to both edges of one node; summing them must not
  // write into it while the second edge still reads it.
  const Tensor x = Tensor::from({1, 2}, DType::f64).requires_grad_();
  const Tensor h = x * 1.0;
  (h + h).backward(Tensor::from({1, 10}, DType::f64));
  expect_equal(x.grad(), Tensor::from({2, 20}, DType::f64));
}

TEST(Engine, SecondBackwardNeedsRetainGraph) {
  const Tensor x = Tensor::scalar(1.0, DType::f64).requires_grad_();
  const Tensor y = x * x;
  y.backward(Tensor(), /*retain_graph=*/true);
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 4.0);
  expect_throw_with<Error>([&] { y.backward(); }, "already freed");
}

TEST(Engine, NoGradGuardStopsRecording) {
  const Tensor x = Tensor::scalar(1.0).requires_grad_();
  {
    NoGradGuard guard;
    EXPECT_FALSE((x * 2.0).requires_grad());
  }
  EXPECT_TRUE((x * 2.0).requires_grad());
}

TEST(Engine, DetachCutsTheGraph) {
  const Tensor x = Tensor::scalar(3.0, DType::f64).requires_grad_();
  const Tensor y = x * x.detach();  // only the first factor carries gradient
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 3.0);
}

TEST(Engine, NonScalarRootNeedsAGradient) {
  const Tensor x = Tensor::ones({2}).requires_grad_();
  const Tensor y = x * 2.0;
  expect_throw_with<ShapeError>([&] { y.backward(); }, "implied only for a one-element output, got shape [2]");
  y.backward(Tensor::from({1, 10}));
  expect_equal(x.grad(), Tensor::from({2, 20}));
}

TEST(Engine, BackwardWithoutGraphIsAnError) {
  expect_throw_with<ValueError>([] { Tensor::ones({1}).backward(); }, "does not require grad");
}

TEST(Engine, DeepGraphDoesNotOverflowTheStack) {
  const Tensor x = Tensor::scalar(1.0, DType::f64).requires_grad_();
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y + 0.0;
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 1.0);
}

TEST(Engine, LeafGradsNeverShareStorage) {
  // add passes grad_out through to both inputs; the leaves must get their own copies.
  const Tensor a = Tensor::ones({3}).requires_grad_();
  const Tensor b = Tensor::ones({3}).requires_grad_();
  ((a + b) * 1.0).backward(Tensor::ones({3}));
  EXPECT_FALSE(a.grad().same_storage(b.grad()));
}

TEST(Engine, ReachesOnlyInputsThatRequireGrad) {
  const Tensor a = Tensor::ones({2}).requires_grad_();
  const Tensor b = Tensor::ones({2});
  (a * b).backward(Tensor::ones({2}));
  EXPECT_TRUE(a.grad().defined());
  EXPECT_FALSE(b.grad().defined());
}

}  // namespace nnlab

namespace nnlab {

TEST(Engine, DroppingADeepGraphWithoutBackwardDoesNotOverflowTheStack) {
  const Tensor x = Tensor::scalar(1.0, DType::f64).requires_grad_();
  Tensor y = x;
  for (int i = 0; i < 300000; ++i) y = y * 1.0;
  y = Tensor();  // frees 300000 nodes
  SUCCEED();
}

}  // namespace nnlab
