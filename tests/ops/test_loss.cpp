#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/error.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/ops/shape_ops.h"
#include "nnlab/ops/softmax.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab {
namespace {

using ops::Reduction;
using testing::grad_input;

Tensor labels(std::vector<std::int64_t> values) {
  const auto n = static_cast<std::int64_t>(values.size());
  return Tensor::from_vector<std::int64_t>(values, {n});
}

// Two rows of logits (0, ln 2, ln 3): softmax (1/6, 2/6, 3/6) in both.
Tensor sixths(DType dtype = DType::f64) {
  const double l2 = std::log(2.0), l3 = std::log(3.0);
  return Tensor::from({{0, l2, l3}, {0, l2, l3}}, dtype);
}

// Integer targets spread over [0, classes), one per row, from a seeded draw.
Tensor random_labels(std::int64_t rows, std::int64_t classes, Rng& rng) {
  std::vector<std::int64_t> values(static_cast<std::size_t>(rows));
  for (auto& v : values) v = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(classes)));
  return labels(values);
}

}  // namespace

TEST(CrossEntropy, ValuesByHand) {
  const Tensor x = sixths(), t = labels({2, 0});  // -log(3/6) = ln 2, -log(1/6) = ln 6
  expect_close(ops::cross_entropy(x, t), Tensor::scalar(std::log(12.0) / 2, DType::f64), Tol::f64());
  expect_close(ops::cross_entropy(x, t, {.reduction = Reduction::sum}), Tensor::scalar(std::log(12.0), DType::f64),
               Tol::f64());
  expect_close(ops::cross_entropy(x, t, {.reduction = Reduction::none}),
               Tensor::from({std::log(2.0), std::log(6.0)}, DType::f64), Tol::f64());
  // ε = 0.3 over C = 3: q = 0.7 one-hot + 0.1; row 0 gives ln 6 - 0.7 ln 3 - 0.1 (0 + ln 2 + ln 3).
  const double smoothed = 0.9 * std::log(6.0) - 0.7 * std::log(3.0);
  expect_close(ops::cross_entropy(x, labels({2, 2}), {.label_smoothing = 0.3}), Tensor::scalar(smoothed, DType::f64),
               Tol::f64());
}

TEST(CrossEntropy, GradientByHandIsSoftmaxMinusOneHot) {
  const Tensor x = sixths().requires_grad_();
  ops::cross_entropy(x, labels({2, 0})).backward();
  // ((1/6, 1/3, 1/2) - onehot) / 2 rows
  const Tensor expected = Tensor::from({{1.0 / 12, 1.0 / 6, -0.25}, {-5.0 / 12, 1.0 / 6, 0.25}}, DType::f64);
  expect_close(x.grad(), expected, Tol::f64());
}

TEST(CrossEntropy, IgnoredRowsCountNeitherInTheLossNorInTheMean) {
  const Tensor x = sixths().requires_grad_();
  const Tensor loss = ops::cross_entropy(x, labels({2, -100}));
  expect_close(loss, Tensor::scalar(std::log(2.0), DType::f64), Tol::f64());  // one row counts
  loss.backward();
  expect_close(x.grad(), Tensor::from({{1.0 / 6, 1.0 / 3, -0.5}, {0, 0, 0}}, DType::f64), Tol::f64());
  expect_close(ops::cross_entropy(x, labels({2, 1}), {.ignore_index = 1}), loss, Tol::f64());
  EXPECT_TRUE(std::isnan(ops::cross_entropy(x, labels({-100, -100})).item()));  // 0 / 0, as torch
}

TEST(CrossEntropy, EqualsNllLossOfLogSoftmax) {
  Rng rng(41);
  const Tensor x = grad_input({8, 10}, rng);
  const Tensor t = random_labels(8, 10, rng);
  for (Reduction reduction : {Reduction::mean, Reduction::sum, Reduction::none}) {
    const Tensor fused = ops::cross_entropy(x, t, {.reduction = reduction});
    const Tensor composed = ops::nll_loss(ops::log_softmax(x, 1), t, reduction);
    expect_close(fused, composed, Tol::f64());
    ops::sum(fused).backward();
    const Tensor fused_grad = x.grad();
    x.zero_grad();
    ops::sum(composed).backward();
    expect_close(fused_grad, x.grad(), Tol::f64());
    x.zero_grad();
  }
}

TEST(CrossEntropy, LabelSmoothingEqualsItsComposition) {
  // (1 - ε) nll(log_softmax) + ε · mean_c(-log_softmax), averaged over rows.
  Rng rng(42);
  const Tensor x = grad_input({6, 5}, rng);
  const Tensor t = random_labels(6, 5, rng);
  const double eps = 0.2;
  const Tensor log_p = ops::log_softmax(x, 1);
  const Tensor composed = ops::mean(ops::nll_loss(log_p, t, Reduction::none) * (1 - eps) - ops::mean(log_p, 1) * eps);
  expect_close(ops::cross_entropy(x, t, {.label_smoothing = eps}), composed, Tol::f64());
}

TEST(CrossEntropy, GradientsMatchCentralDifferences) {
  Rng rng(43);
  const Tensor x = grad_input({5, 7}, rng);
  const Tensor t = random_labels(5, 7, rng);
  EXPECT_GRADCHECK([t](const auto& in) { return ops::cross_entropy(in[0], t); }, {x});
  EXPECT_GRADCHECK([t](const auto& in) { return ops::cross_entropy(in[0], t, {.reduction = Reduction::none}); }, {x});
  EXPECT_GRADCHECK([t](const auto& in) { return ops::cross_entropy(in[0], t, {.label_smoothing = 0.25}); }, {x});
  EXPECT_GRADCHECK([](const auto& in) { return ops::cross_entropy(in[0], labels({0, -100, 6, 3, -100})); }, {x});
}

TEST(CrossEntropy, LargeLogitsStayFinite) {
  // Logits of ±1000: exp() alone overflows; the fused kernel subtracts the row max first.
  const Tensor x = Tensor::from({{1000, 0, -1000}, {1000, 1000, 0}}).requires_grad_();
  const Tensor loss = ops::cross_entropy(x, labels({0, 2}), {.reduction = Reduction::none});
  expect_close(loss, Tensor::from({0, 1000 + std::log(2.0f)}), Tol::f32());
  ops::sum(loss).backward();
  expect_close(x.grad(), Tensor::from({{0, 0, 0}, {0.5, 0.5, -1}}), Tol::f32());
  // A 1000-class row of float32 logits in [-1000, 1000] agrees with float64.
  Rng rng(44);
  const Tensor wide = uniform({4, 1000}, -1000, 1000, rng, DType::f64).requires_grad_();
  const Tensor narrow32 = to_dtype(wide.detach(), DType::f32).requires_grad_();
  const Tensor t = random_labels(4, 1000, rng);
  const Tensor l64 = ops::cross_entropy(wide, t), l32 = ops::cross_entropy(narrow32, t);
  expect_close(l32, l64, {1e-3, 1e-6});
  l64.backward();
  l32.backward();
  expect_close(narrow32.grad(), wide.grad(), {1e-6, 1e-4});
}

TEST(NllLoss, ValuesAndGradientByHand) {
  const Tensor lp = Tensor::from({{-1, -2, -3}, {-4, -5, -6}}, DType::f64).requires_grad_();
  const Tensor t = labels({2, 0});
  expect_close(ops::nll_loss(lp, t), Tensor::scalar(3.5, DType::f64), Tol::f64());  // (3 + 4) / 2
  expect_close(ops::nll_loss(lp, t, Reduction::sum), Tensor::scalar(7, DType::f64), Tol::f64());
  expect_close(ops::nll_loss(lp, t, Reduction::none), Tensor::from({3, 4}, DType::f64), Tol::f64());
  expect_close(ops::nll_loss(lp, labels({2, -100})), Tensor::scalar(3, DType::f64), Tol::f64());
  ops::nll_loss(lp, t).backward();
  expect_close(lp.grad(), Tensor::from({{0, 0, -0.5}, {-0.5, 0, 0}}, DType::f64), Tol::f64());
  Rng rng(45);
  EXPECT_GRADCHECK([](const auto& in) { return ops::nll_loss(in[0], labels({1, 0, 3}), Reduction::sum); },
                   {grad_input({3, 4}, rng)});
}

TEST(BinaryCrossEntropyWithLogits, ValuesByHand) {
  const Tensor x = Tensor::from({0, 2, -3, 1000, -1000}, DType::f64);
  const Tensor t = Tensor::from({1, 1, 0, 0, 1}, DType::f64);
  // ln 2; ln(1 + e^-2); ln(1 + e^-3); a confident wrong 1000 costs 1000, with no overflow.
  const Tensor expected =
      Tensor::from({std::log(2.0), std::log1p(std::exp(-2.0)), std::log1p(std::exp(-3.0)), 1000, 1000}, DType::f64);
  expect_close(ops::binary_cross_entropy_with_logits(x, t, Reduction::none), expected, Tol::f64());
  expect_close(ops::binary_cross_entropy_with_logits(x, t, Reduction::sum), ops::sum(expected), Tol::f64());
}

TEST(BinaryCrossEntropyWithLogits, MeanAveragesOverClassesAndBatch) {
  // A multi-label head: 2 samples x 3 labels; the mean is over all 6 terms.
  Rng rng(46);
  const Tensor x = randn({2, 3}, rng, DType::f64);
  const Tensor t = Tensor::from({{1, 0, 1}, {0, 0, 1}}, DType::f64);
  const auto xv = x.to_vector<double>(), tv = t.to_vector<double>();
  double total = 0;  // -(t log σ(x) + (1 - t) log(1 - σ(x))), the textbook form
  for (std::size_t i = 0; i < xv.size(); ++i) {
    const double s = 1 / (1 + std::exp(-xv[i]));
    total -= tv[i] * std::log(s) + (1 - tv[i]) * std::log(1 - s);
  }
  expect_close(ops::binary_cross_entropy_with_logits(x, t), Tensor::scalar(total / 6, DType::f64), {1e-12, 1e-12});
}

TEST(BinaryCrossEntropyWithLogits, GradientsAreSigmoidMinusTarget) {
  const Tensor x = Tensor::from({0, 1000}, DType::f64).requires_grad_();
  const Tensor t = Tensor::from({1, 0}, DType::f64).requires_grad_();
  ops::binary_cross_entropy_with_logits(x, t, Reduction::sum).backward();
  expect_close(x.grad(), Tensor::from({-0.5, 1}, DType::f64), Tol::f64());  // σ(x) - t
  expect_close(t.grad(), Tensor::from({0, -1000}, DType::f64), Tol::f64());  // -x
  Rng rng(47);
  const Tensor a = grad_input({3, 4}, rng), b = uniform({3, 4}, 0, 1, rng, DType::f64).requires_grad_();
  EXPECT_GRADCHECK([](const auto& in) { return ops::binary_cross_entropy_with_logits(in[0], in[1]); }, {a, b});
}

TEST(MseAndL1Loss, ValuesAndGradientsByHand) {
  const Tensor a = Tensor::from({1, 2, -3}, DType::f64).requires_grad_();
  const Tensor b = Tensor::from({1, 0, 0}, DType::f64);
  expect_close(ops::mse_loss(a, b), Tensor::scalar(13.0 / 3, DType::f64), Tol::f64());  // (0 + 4 + 9) / 3
  expect_close(ops::mse_loss(a, b, Reduction::none), Tensor::from({0, 4, 9}, DType::f64), Tol::f64());
  expect_close(ops::l1_loss(a, b), Tensor::scalar(5.0 / 3, DType::f64), Tol::f64());  // (0 + 2 + 3) / 3
  expect_close(ops::l1_loss(a, b, Reduction::sum), Tensor::scalar(5, DType::f64), Tol::f64());
  ops::mse_loss(a, b).backward();  // 2 (a - b) / 3
  expect_close(a.grad(), Tensor::from({0, 4.0 / 3, -2}, DType::f64), Tol::f64());
  a.zero_grad();
  ops::l1_loss(a, b).backward();  // sign(a - b) / 3, and 0 where a == b
  expect_close(a.grad(), Tensor::from({0, 1.0 / 3, -1.0 / 3}, DType::f64), Tol::f64());
  Rng rng(48);
  const Tensor x = grad_input({3, 4}, rng), y = grad_input({3, 4}, rng);
  EXPECT_GRADCHECK([](const auto& in) { return ops::mse_loss(in[0], in[1]); }, {x, y});
  EXPECT_GRADCHECK([](const auto& in) { return ops::l1_loss(in[0], in[1], Reduction::none); }, {x, y});
}

TEST(MultiMarginLoss, ValuesAndGradientByHand) {
  // torch.nn.MultiMarginLoss's documented example: ((1 - 0.7) + (1 - 0.6) + (1 - 0.4)) / 4 = 0.325.
  const Tensor x = Tensor::from({{0.1, 0.2, 0.4, 0.8}}, DType::f64).requires_grad_();
  const Tensor y = labels({3});
  expect_close(ops::multi_margin_loss(x, y), Tensor::scalar(0.325, DType::f64), Tol::f64());
  expect_close(ops::multi_margin_loss(x, y, 2), Tensor::scalar((0.09 + 0.16 + 0.36) / 4, DType::f64), Tol::f64());
  expect_close(ops::multi_margin_loss(x, y, 1, 0.5), Tensor::scalar(0.1 / 4, DType::f64), Tol::f64());  // 0.5 - 0.4
  ops::multi_margin_loss(x, y).backward();  // each violated margin: +1/C at j, -1/C at y
  expect_close(x.grad(), Tensor::from({{0.25, 0.25, 0.25, -0.75}}, DType::f64), Tol::f64());
  Rng rng(49);
  const Tensor t = random_labels(5, 4, rng);
  EXPECT_GRADCHECK([t](const auto& in) { return ops::multi_margin_loss(in[0], t); }, {grad_input({5, 4}, rng)});
  EXPECT_GRADCHECK([t](const auto& in) { return ops::multi_margin_loss(in[0], t, 2, 2.0, Reduction::none); },
                   {grad_input({5, 4}, rng)});
}

TEST(PerceptronLoss, ValuesAndGradientByHand) {
  // Row 0 predicts class 1 (score 3) but is class 2 (score 2): loss 1. Row 1 is right: loss 0.
  const Tensor s = Tensor::from({{1, 3, 2}, {0, 1, 5}}, DType::f64).requires_grad_();
  const Tensor y = labels({2, 2});
  expect_close(ops::perceptron_loss(s, y), Tensor::scalar(0.5, DType::f64), Tol::f64());
  expect_close(ops::perceptron_loss(s, y, Reduction::none), Tensor::from({1, 0}, DType::f64), Tol::f64());
  ops::perceptron_loss(s, y).backward();  // +1/N at the prediction, -1/N at the target, mistakes only
  expect_close(s.grad(), Tensor::from({{0, 0.5, -0.5}, {0, 0, 0}}, DType::f64), Tol::f64());
  Rng rng(50);
  EXPECT_GRADCHECK([](const auto& in) { return ops::perceptron_loss(in[0], labels({0, 1, 2, 3, 0, 1})); },
                   {grad_input({6, 4}, rng)});
}

TEST(PerceptronLoss, GradientStepIsTheClassicPerceptronUpdate) {
  // Scores s = W x for W (3 classes, 2 features) starting at zero: every score ties, the
  // prediction is class 0, and the sample is class 1. One step of lr 1 must add x to W's row 1
  // and subtract it from row 0.
  const Tensor w = Tensor::zeros({3, 2}, DType::f64).requires_grad_();
  const Tensor x = Tensor::from({{1.5, -2.0}}, DType::f64);                      // (1, 2)
  const Tensor scores = ops::sum(ops::unsqueeze(x, 1) * w, 2);                   // (1, 3)
  ops::perceptron_loss(scores, labels({1})).backward();
  expect_close(ops::neg(w.grad()), Tensor::from({{-1.5, 2.0}, {1.5, -2.0}, {0, 0}}, DType::f64), Tol::f64());
}

TEST(Loss, RejectsBadTargets) {
  const Tensor x = Tensor::zeros({4, 10});
  expect_throw_with<ValueError>([&] { ops::cross_entropy(x, labels({0, 1, 2, 12})); },
                                "cross_entropy: target 12 is out of range for 10 classes (row 3), expected 0..9");
  expect_throw_with<ValueError>([&] { ops::nll_loss(x, labels({-1, 1, 2, 3})); },
                                "nll_loss: target -1 is out of range for 10 classes (row 0)");
  expect_throw_with<ValueError>([&] { ops::multi_margin_loss(x, labels({0, 10, 2, 3})); },
                                "multi_margin_loss: target 10 is out of range for 10 classes (row 1)");
  expect_throw_with<ValueError>([&] { ops::perceptron_loss(x, labels({0, 1, -100, 3})); },
                                "perceptron_loss: target -100 is out of range for 10 classes (row 2)");
  expect_throw_with<DTypeError>([&] { ops::cross_entropy(x, Tensor::zeros({4})); },
                                "cross_entropy: target (class indices): expected int64, got float32");
  expect_throw_with<ShapeError>([&] { ops::cross_entropy(x, labels({0, 1, 2})); },
                                "cross_entropy: target must hold one class index per row of input, got input [4, "
                                "10] and target [3]");
  expect_throw_with<ShapeError>([&] { ops::nll_loss(Tensor::zeros({10}), labels({1})); },
                                "nll_loss: input: expected a 2-D tensor, got shape [10]");
  expect_throw_with<ValueError>([&] { ops::cross_entropy(x, labels({0, 1, 2, 3}), {.label_smoothing = 1.5}); },
                                "cross_entropy: label_smoothing must be in [0, 1], got 1.5");
  expect_throw_with<ValueError>([&] { ops::multi_margin_loss(x, labels({0, 1, 2, 3}), 3); },
                                "multi_margin_loss: p must be 1 or 2, got 3");
}

TEST(Loss, RejectsMismatchedElementwiseInputs) {
  const Tensor a = Tensor::zeros({3, 4});
  expect_throw_with<ShapeError>([&] { ops::mse_loss(a, Tensor::zeros({4, 3})); },
                                "mse_loss: input and target must have the same shape, got input [3, 4] and target "
                                "[4, 3]");
  expect_throw_with<ShapeError>([&] { ops::l1_loss(a, Tensor::zeros({3})); }, "l1_loss: input and target must");
  expect_throw_with<ShapeError>([&] { ops::binary_cross_entropy_with_logits(a, Tensor::zeros({3, 1})); },
                                "binary_cross_entropy_with_logits: input and target must have the same shape");
  expect_throw_with<DTypeError>([&] { ops::binary_cross_entropy_with_logits(a, Tensor::zeros({3, 4}, DType::i64)); },
                                "binary_cross_entropy_with_logits: target: expected float32 or float64, got int64");
  expect_throw_with<DTypeError>([&] { ops::mse_loss(a, Tensor::zeros({3, 4}, DType::f64)); },
                                "mse_loss: both tensors must have one dtype, got float32 and float64");
}

}  // namespace nnlab
