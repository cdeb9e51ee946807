#include <gtest/gtest.h>

#include "nnlab/autograd/gradcheck.h"
#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {
namespace {

// x^2 with a deliberately wrong backward (3x instead of 2x): the checker must catch it.
struct WrongSquareBackward final : autograd::Node {
  Tensor x;
  std::string_view name() const override { return "wrong_square"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    grads.set(0, ops::mul(ops::mul(grad_out, x), 3.0));
  }
};

Tensor wrong_square(const Tensor& x) {
  Tensor out;
  {
    NoGradGuard guard;
    out = ops::mul(x, x);
  }
  autograd::record<WrongSquareBackward>(out, {x}).x = x.detach();
  return out;
}

}  // namespace

TEST(Gradcheck, PassesForACorrectBackward) {
  Rng rng(1);
  const Tensor a = randn({3, 4}, rng, DType::f64).requires_grad_();
  const Tensor b = randn({4}, rng, DType::f64).requires_grad_();
  EXPECT_GRADCHECK([](const auto& in) { return in[0] * in[1] + in[0]; }, {a, b});
}

TEST(Gradcheck, FailsForAWrongBackwardAndSaysWhere) {
  Rng rng(2);
  const Tensor x = randn({5}, rng, DType::f64).requires_grad_();
  const auto result = autograd::gradcheck([](const auto& in) { return wrong_square(in[0]); }, {x});
  EXPECT_FALSE(result.passed);
  EXPECT_NE(result.message.find("input 0 element"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("analytic"), std::string::npos);
}

TEST(Gradcheck, RandomProjectionCatchesAWrongBackwardOnLargeInputs) {
  Rng rng(3);
  const Tensor x = randn({40, 30}, rng, DType::f64).requires_grad_();  // too big for the full Jacobian
  const auto result = autograd::gradcheck([](const auto& in) { return wrong_square(in[0]); }, {x});
  EXPECT_FALSE(result.passed);
  EXPECT_NE(result.message.find("random projection"), std::string::npos) << result.message;
}

TEST(Gradcheck, RequiresFloat64) {
  const Tensor x = Tensor::ones({2}).requires_grad_();
  expect_throw_with<DTypeError>([&] { autograd::gradcheck([](const auto& in) { return in[0] * 2.0; }, {x}); },
                                "input 0 must be float64, got float32");
}

}  // namespace nnlab
