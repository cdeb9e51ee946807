// True-class probabilities against softmax and sigmoid values computed here.
#include <gtest/gtest.h>

#include <cmath>

#include "fixed_models.h"
#include "nnlab/analysis/class_probability.h"
#include "nnlab/core/error.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

TEST(ClassProbability, SoftmaxOfTheTrueClass) {
  const Tensor logits = Tensor::from({{1.0, 2.0, 3.0}, {0.0, 0.0, 0.0}, {1000.0, 0.0, -1000.0}});
  const Tensor targets = Tensor::from_doubles({2, 1, 1}, {3}, DType::i64);
  const auto result = true_class_probabilities(logits, targets);
  ASSERT_EQ(result.size(), 3u);
  const double denominator = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(result[0].true_class_probability, std::exp(3.0) / denominator, 1e-7);  // 0.665
  EXPECT_TRUE(result[0].correct);
  EXPECT_NEAR(result[1].true_class_probability, 1.0 / 3.0, 1e-12);
  EXPECT_FALSE(result[1].correct);                             // a tie goes to the first class, 0
  EXPECT_NEAR(result[2].true_class_probability, 0.0, 1e-300);  // e^-1000 underflows, never NaN
  EXPECT_FALSE(result[2].correct);
}

TEST(ClassProbability, SigmoidOfTheTrueClassLogitAlone) {
  const Tensor logits = Tensor::from({{2.0, -1.0}, {0.5, 3.0}, {-800.0, 800.0}}, DType::f64);
  const Tensor targets = Tensor::from_doubles({1, 1, 0}, {3}, DType::i64);
  const auto result = true_class_probabilities(logits, targets, OutputProbability::sigmoid);
  EXPECT_NEAR(result[0].true_class_probability, 1.0 / (1.0 + std::exp(1.0)), 1e-15);  // sigmoid(-1)
  EXPECT_FALSE(result[0].correct);
  EXPECT_NEAR(result[1].true_class_probability, 1.0 / (1.0 + std::exp(-3.0)), 1e-15);
  EXPECT_TRUE(result[1].correct);
  EXPECT_EQ(result[2].true_class_probability, 0.0);  // sigmoid(-800) underflows to 0, not NaN
}

TEST(ClassProbability, FromAModelOverADataset) {
  auto model = linear_with({{1}, {-1}}, {0, 0});  // logits (x, -x)
  const data::Dataset dataset = classification_data({1, -2}, 1, {0, 0}, 2);
  const auto result = true_class_probabilities(*model, dataset, OutputProbability::softmax, 1);
  EXPECT_NEAR(result[0].true_class_probability, 1.0 / (1.0 + std::exp(-2.0)), 1e-6);  // softmax(1, -1)[0]
  EXPECT_TRUE(result[0].correct);
  EXPECT_NEAR(result[1].true_class_probability, 1.0 / (1.0 + std::exp(4.0)), 1e-6);  // softmax(-2, 2)[0]
  EXPECT_FALSE(result[1].correct);
}

TEST(ClassProbability, RejectsTargetsOutOfRange) {
  expect_throw_with<ValueError>(
      [] {
        true_class_probabilities(Tensor::from({{1.0, 2.0}}), Tensor::from_doubles({2}, {1}, DType::i64));
      },
      "true_class_probabilities: expected a class in [0, 2), got 2 at row 0");
  expect_throw_with<DTypeError>(
      [] {
        true_class_probabilities(Tensor::from({{1.0, 2.0}}), Tensor::from({1.0}));
      },
      "true_class_probabilities: expected int64 class indices, got float32");
}

}  // namespace
}  // namespace nnlab::analysis
