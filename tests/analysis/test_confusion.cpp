// Confusion matrices by hand, from label vectors and from a fixed model.
#include <gtest/gtest.h>

#include "fixed_models.h"
#include "nnlab/analysis/confusion.h"
#include "nnlab/core/error.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

TEST(Confusion, CountsTruePredictedPairs) {
  const ConfusionMatrix matrix = confusion_matrix({0, 0, 1, 2, 2, 2}, {0, 1, 1, 2, 0, 2}, 3);
  EXPECT_EQ(matrix.counts, (std::vector<std::int64_t>{1, 1, 0,     // true 0: one right, one called 1
                                                      0, 1, 0,     // true 1
                                                      1, 0, 2}));  // true 2: one called 0
  EXPECT_EQ(matrix.at(2, 0), 1);
}

// Logits (x, -x): predicts 0 for x > 0, 1 for x < 0.
TEST(Confusion, FromAModelOverADataset) {
  auto model = linear_with({{1}, {-1}}, {0, 0});
  const data::Dataset dataset = classification_data({1, 2, -1, -3, 4}, 1, {0, 1, 1, 0, 0}, 2);
  model->train();
  const ConfusionMatrix matrix = confusion_matrix(*model, dataset, /*batch_size=*/2);
  EXPECT_EQ(matrix.num_classes, 2);
  EXPECT_EQ(matrix.counts, (std::vector<std::int64_t>{2, 1,     // true 0: x = 1, 4 right; x = -3 called 1
                                                      1, 1}));  // true 1: x = 2 called 0; x = -1 right
  EXPECT_TRUE(model->is_training());
}

TEST(Confusion, RejectsMismatchesAndClassesOutOfRange) {
  expect_throw_with<ShapeError>(
      [] {
        confusion_matrix({0, 1}, {0}, 2);
      },
      "confusion_matrix: expected as many predictions as targets, got 2 targets and 1");
  expect_throw_with<ValueError>(
      [] {
        confusion_matrix({0, 3}, {0, 1}, 2);
      },
      "expected classes in [0, 2), got target 3 and prediction 1 at position 1");
}

}  // namespace
}  // namespace nnlab::analysis
