// Softmax regression on fixed features: the intercept-only fit against the class frequencies (the
// maximum-likelihood answer, by hand), held-out accuracy on blobs, invariance to each feature's
// scale and offset (the standardisation), reproducibility, and bad input.
#include <gtest/gtest.h>

#include <vector>

#include "nnlab/analysis/softmax_regression.h"
#include "nnlab/core/error.h"
#include "nnlab/data/synthetic.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/ops/softmax.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

TEST(SoftmaxRegression, ConstantFeaturesLearnTheClassFrequencies) {
  // A constant feature standardises to 0, so only the bias learns, and the likelihood
  // prod_i softmax(b)[y_i] is largest where softmax(b) is the empirical class frequencies:
  // 4 of 8 rows are class 0, 3 class 1, 1 class 2.
  const Tensor x = Tensor::full({8, 1}, 3.0);
  const Tensor y = Tensor::from_vector(std::vector<std::int64_t>{0, 1, 0, 2, 1, 0, 1, 0}, {8});
  const SoftmaxRegression fit =
      fit_softmax_regression(x, y, 3, {.epochs = 2000, .batch_size = 8, .lr = 0.05, .seed = 1});
  const Tensor p = ops::softmax(softmax_regression_logits(fit, Tensor::full({1, 1}, 3.0)), 1);
  expect_close(p, Tensor::from({{4.0 / 8, 3.0 / 8, 1.0 / 8}}), {1e-3, 0.0});
  // The loss there is the entropy of the frequencies: -(0.5 ln 0.5 + 0.375 ln 0.375 + 0.125 ln 0.125).
  EXPECT_NEAR(fit.final_loss, 0.9743, 1e-3);
}

TEST(SoftmaxRegression, SeparatesBlobs) {
  const data::Dataset blobs = data::blobs(800, /*seed=*/4, /*classes=*/4, /*dims=*/3, /*stddev=*/1.0);
  const SoftmaxRegression fit = fit_softmax_regression(view::narrow(blobs.inputs, 0, 0, 600),
                                                       view::narrow(blobs.targets, 0, 0, 600), 4, {.epochs = 50});
  const std::vector<std::int64_t> predicted =
      ops::argmax(softmax_regression_logits(fit, view::narrow(blobs.inputs, 0, 600, 200)), 1).to_vector<std::int64_t>();
  const std::vector<std::int64_t> truth = view::narrow(blobs.targets, 0, 600, 200).to_vector<std::int64_t>();
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) correct += predicted[i] == truth[i];
  EXPECT_GE(static_cast<double>(correct) / 200.0, 0.95);
}

TEST(SoftmaxRegression, IgnoresEachFeaturesScaleAndOffset) {
  const data::Dataset moons = data::moons(200, /*seed=*/5, /*noise=*/0.2);
  const std::vector<double> xy = moons.inputs.to_vector<double>();
  std::vector<double> moved(xy.size());
  for (std::size_t i = 0; i < xy.size(); i += 2) {
    moved[i] = 1000.0 * xy[i] + 5.0;        // x in thousands
    moved[i + 1] = 0.01 * xy[i + 1] - 3.0;  // y in hundredths
  }
  const Tensor scaled = Tensor::from_doubles(moved, {200, 2}, DType::f64);
  const SoftmaxRegressionOptions options{.epochs = 20, .batch_size = 32, .seed = 2};
  const Tensor a =
      softmax_regression_logits(fit_softmax_regression(to_dtype(moons.inputs, DType::f64), moons.targets, 2, options),
                                to_dtype(moons.inputs, DType::f64));
  const Tensor b = softmax_regression_logits(fit_softmax_regression(scaled, moons.targets, 2, options), scaled);
  expect_close(a, b, {1e-6, 1e-6});
}

TEST(SoftmaxRegression, SameSeedSameFit) {
  const data::Dataset moons = data::moons(100, /*seed=*/6, /*noise=*/0.2);
  const SoftmaxRegressionOptions options{.epochs = 5, .batch_size = 16, .seed = 9};
  const SoftmaxRegression a = fit_softmax_regression(moons.inputs, moons.targets, 2, options);
  const SoftmaxRegression b = fit_softmax_regression(moons.inputs, moons.targets, 2, options);
  expect_equal(a.weight, b.weight);
  expect_equal(a.bias, b.bias);
  EXPECT_EQ(a.final_loss, b.final_loss);
}

TEST(SoftmaxRegression, RejectsBadInputNamingTheProblem) {
  const Tensor x = Tensor::zeros({3, 2});
  const Tensor y = Tensor::from_vector(std::vector<std::int64_t>{0, 1, 2}, {3});
  expect_throw_with<ValueError>([&] { fit_softmax_regression(x, y, 2); },
                                "softmax_regression: expected labels in [0, 2) (2 classes), got 2 at row 2");
  expect_throw_with<ShapeError>(
      [&] {
        fit_softmax_regression(Tensor::zeros({4, 2}), y, 3);
      },
      "softmax_regression: expected one label per row, got 3 labels for 4 rows");
  expect_throw_with<ValueError>(
      [&] {
        fit_softmax_regression(Tensor::zeros({0, 2}), Tensor::zeros({0}, DType::i64), 3);
      },
      "softmax_regression: expected at least one training row, got none");
  expect_throw_with<ValueError>([&] { fit_softmax_regression(x, y, 3, {.lr = 0.0}); },
                                "softmax_regression: lr: expected a number > 0, got 0");
  expect_throw_with<DTypeError>([&] { fit_softmax_regression(x, Tensor::zeros({3}), 3); },
                                "softmax_regression: expected int64 class labels, got float32");
  const SoftmaxRegression fit = fit_softmax_regression(x, y, 3, {.epochs = 1});
  expect_throw_with<ShapeError>(
      [&] {
        softmax_regression_logits(fit, Tensor::zeros({1, 5}));
      },
      "softmax_regression_logits: expected 2 features per row (as fitted), got 5");
}

}  // namespace
}  // namespace nnlab::analysis
