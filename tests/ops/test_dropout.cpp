#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/kernels/dropout.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/dropout.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {

using testing::grad_input;
using testing::non_contiguous;

TEST(Dropout, EvalModeAndZeroPAreTheIdentity) {
  Rng rng(1);
  const Tensor x = Tensor::from({1, 2, 3});
  EXPECT_TRUE(ops::dropout(x, 0.5, /*training=*/false, rng).same_storage(x));
  EXPECT_TRUE(ops::dropout(x, 0.0, /*training=*/true, rng).same_storage(x));
  EXPECT_EQ(rng.offset(), 0u);
}

TEST(Dropout, KeepRateIsCloseToOneMinusP) {
  Rng rng(2);
  const double p = 0.3;
  const Tensor out = ops::dropout(Tensor::ones({1000, 1000}), p, true, rng);
  std::int64_t dropped = 0;
  for (float v : out.to_vector<float>()) dropped += v == 0.0f;
  // The dropped fraction has standard deviation sqrt(p (1 - p) / n) ~ 4.6e-4; allow ~6.5 of them.
  EXPECT_NEAR(static_cast<double>(dropped) / 1e6, p, 3e-3);
}

TEST(Dropout, KeptValuesAreScaled) {
  Rng rng(3);
  const Tensor x = Tensor::from({1, -2, 3, -4, 5, -6, 7, -8});
  const auto in = x.to_vector<float>(), out = ops::dropout(x, 0.75, true, rng).to_vector<float>();
  int kept = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (out[i] != 0.0f) {
      EXPECT_EQ(out[i], in[i] * 4.0f);  // 1 / (1 - 0.75)
      ++kept;
    }
  }
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 8);
}

TEST(Dropout, SameSeedGivesTheSameMask) {
  const Tensor x = Tensor::ones({1001});
  Rng a(7), b(7), c(8);
  const Tensor first = ops::dropout(x, 0.5, true, a);
  expect_equal(ops::dropout(x, 0.5, true, b), first);
  EXPECT_FALSE(tensors_close(ops::dropout(x, 0.5, true, c), first, {0, 0}));
  // Each call advances the generator: the next mask differs, one block per 4 elements.
  EXPECT_EQ(a.offset(), 251u);
  EXPECT_FALSE(tensors_close(ops::dropout(x, 0.5, true, a), first, {0, 0}));
}

TEST(Dropout, SameMaskOnAnyThreadCount) {
  const Tensor x = Tensor::ones({300, 1000}, DType::f64);
  const int threads = num_threads();
  set_num_threads(1);
  Rng one(9);
  const Tensor single = ops::dropout(x, 0.4, true, one);
  set_num_threads(std::max(threads, 2));
  Rng many(9);
  const Tensor multi = ops::dropout(x, 0.4, true, many);
  set_num_threads(threads);
  expect_equal(multi, single);
}

TEST(Dropout, FastKernelMatchesTheReference) {
  for (DType dtype : {DType::f32, DType::f64}) {
    for (std::int64_t n : {1, 3, 4, 63, 64, 65, 1000, 100003}) {
      SCOPED_TRACE(fmt::format("{} elements of {}", n, dtype));
      Rng rng(n);
      const Tensor x = randn({n}, rng, dtype);
      Tensor mask = Tensor::empty({n}, dtype), out = Tensor::empty({n}, dtype);
      Tensor ref_mask = Tensor::empty({n}, dtype), ref_out = Tensor::empty({n}, dtype);
      kernels::dropout_forward(x.view(), 0.37, 11, 1234567, mask.mut_view(), out.mut_view());
      kernels::dropout_forward_reference(x.view(), 0.37, 11, 1234567, ref_mask.mut_view(), ref_out.mut_view());
      expect_equal(mask, ref_mask);
      expect_equal(out, ref_out);
    }
  }
}

TEST(Dropout, BackwardUsesTheForwardMask) {
  Rng rng(4);
  const Tensor x = Tensor::full({64}, 2.0, DType::f64).requires_grad_();
  const Tensor out = ops::dropout(x, 0.5, true, rng);
  out.backward(Tensor::ones({64}, DType::f64));
  // out = 2 * mask, so the gradient (the mask itself) is out / 2.
  expect_equal(x.grad(), out.detach() * 0.5);
}

TEST(Dropout, GradientWithAFixedMask) {
  Rng rng(5);
  const Tensor x = grad_input({6, 7}, rng);
  // A fresh Rng per call: every evaluation of the check draws the same mask.
  EXPECT_GRADCHECK([](const auto& in) { Rng fixed(42); return ops::dropout(in[0], 0.4, true, fixed); }, {x});
  const Tensor xn = non_contiguous(x.detach()).requires_grad_();
  EXPECT_GRADCHECK([](const auto& in) { Rng fixed(42); return ops::dropout(in[0], 0.4, true, fixed); }, {xn});
}

TEST(Dropout, NonContiguousInputGetsTheRowMajorMask) {
  Rng rng(6);
  const Tensor x = randn({5, 6}, rng);
  Rng a(12), b(12);
  expect_equal(ops::dropout(non_contiguous(x), 0.5, true, a), ops::dropout(x, 0.5, true, b));
}

TEST(Dropout, POfOneGivesZerosAndZeroGradient) {
  Rng rng(7);
  const Tensor x = Tensor::from({1.0, -2.0, 3.0}, DType::f64).requires_grad_();
  const Tensor out = ops::dropout(x, 1.0, true, rng);
  expect_equal(out, Tensor::zeros({3}, DType::f64));
  out.backward(Tensor::ones({3}, DType::f64));
  expect_equal(x.grad(), Tensor::zeros({3}, DType::f64));
  EXPECT_EQ(rng.offset(), 0u);
}

TEST(Dropout, RejectsBadArguments) {
  Rng rng(8);
  const Tensor x = Tensor::ones({4});
  expect_throw_with<ValueError>([&] { ops::dropout(x, 1.5, true, rng); }, "dropout: p must be in [0, 1], got 1.5");
  expect_throw_with<ValueError>([&] { ops::dropout(x, -0.1, false, rng); }, "dropout: p must be in [0, 1], got -0.1");
  expect_throw_with<ValueError>([&] { ops::dropout(x, std::numeric_limits<double>::quiet_NaN(), true, rng); },
                                "dropout: p must be in [0, 1], got nan");
  expect_throw_with<DTypeError>([&] { ops::dropout(Tensor::ones({4}, DType::i64), 0.5, true, rng); },
                                "dropout: expected float32 or float64, got int64");
}

}  // namespace nnlab
