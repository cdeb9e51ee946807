// Decision regions of hand-built linear models whose boundaries are known.
#include <gtest/gtest.h>

#include <memory>

#include "fixed_models.h"
#include "nnlab/analysis/decision_regions.h"
#include "nnlab/core/error.h"
#include "nnlab/nn/sequential.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

// Logits (x, -x): class 0 where x > 0, class 1 where x < 0 (x = 0 ties: the first, class 0).
TEST(DecisionRegions, VerticalBoundaryAtZero) {
  auto model = linear_with({{1, 0}, {-1, 0}}, {0, 0});
  const DecisionRegions regions = decision_regions(*model, Extent{-1.0, 1.0, -2.0, 2.0}, 5);  // x: -1 -0.5 0 0.5 1
  ASSERT_EQ(regions.classes.size(), 25u);
  for (std::int64_t row = 0; row < 5; ++row) {
    EXPECT_EQ(regions.classes[row * 5 + 0], 1);
    EXPECT_EQ(regions.classes[row * 5 + 1], 1);
    EXPECT_EQ(regions.classes[row * 5 + 2], 0);
    EXPECT_EQ(regions.classes[row * 5 + 3], 0);
    EXPECT_EQ(regions.classes[row * 5 + 4], 0);
  }
}

// Logits (y - 0.25, 0, -y - 0.25): rows go up in y, so row 0 (y = -1) is class 2, row 2
// (y = 0) class 1 and row 4 (y = 1) class 0.
TEST(DecisionRegions, RowsRunUpwardsInY) {
  auto model = linear_with({{0, 1}, {0, 0}, {0, -1}}, {-0.25, 0, -0.25});
  const DecisionRegions regions = decision_regions(*model, Extent{0.0, 4.0, -1.0, 1.0}, 5);
  const std::vector<std::int64_t> row_class = {2, 2, 1, 0, 0};  // y = -1, -0.5, 0, 0.5, 1
  for (std::int64_t row = 0; row < 5; ++row) {
    for (std::int64_t column = 0; column < 5; ++column) {
      EXPECT_EQ(regions.classes[row * 5 + column], row_class[row]) << "row " << row << ", column " << column;
    }
  }
}

TEST(DecisionRegions, ExtentCoversTheDataWithAFivePercentMargin) {
  const data::Dataset dataset = classification_data({0, 10, 2, 20, 1, 15}, 2, {0, 1, 0}, 2);
  const Extent extent = data_extent(dataset.inputs);
  EXPECT_DOUBLE_EQ(extent.x_min, -0.1);  // x in [0, 2], width 2
  EXPECT_DOUBLE_EQ(extent.x_max, 2.1);
  EXPECT_DOUBLE_EQ(extent.y_min, 9.5);  // y in [10, 20], height 10
  EXPECT_DOUBLE_EQ(extent.y_max, 20.5);
  auto model = linear_with({{1, 0}, {-1, 0}}, {-0.5, 0.5});  // class 0 where x > 0.5
  const DecisionRegions regions = decision_regions(*model, dataset, 3);
  EXPECT_DOUBLE_EQ(regions.extent.x_min, -0.1);
  EXPECT_EQ(regions.classes, (std::vector<std::int64_t>{1, 0, 0, 1, 0, 0, 1, 0, 0}));  // x = -0.1, 1, 2.1
}

TEST(DecisionRegions, DatasetPointsKeepTheirLabels) {
  const data::Dataset dataset = classification_data({0, 10, 2, 20, 1, 15}, 2, {0, 1, 0}, 2);
  const LabelledPoints points = dataset_points(dataset);
  EXPECT_EQ(points.x, (std::vector<double>{0, 2, 1}));
  EXPECT_EQ(points.y, (std::vector<double>{10, 20, 15}));
  EXPECT_EQ(points.labels, (std::vector<std::int64_t>{0, 1, 0}));
}

TEST(DecisionRegions, RejectsModelsAndDataWithoutTwoFeatures) {
  auto three_inputs = linear_with({{1, 0, 0}, {0, 1, 0}}, {0, 0});
  expect_throw_with<ConfigError>([&] { decision_regions(*three_inputs, Extent{}, 4); },
                                 "decision_regions: expected a model that takes 2 input features");
  const data::Dataset three_features = classification_data({1, 2, 3}, 3, {0}, 2);
  expect_throw_with<ConfigError>([&] { dataset_points(three_features); },
                                 "dataset_points: expected inputs with 2 features (N, 2), got [1, 3]");
  expect_throw_with<ConfigError>([&] { decision_regions(*three_inputs, three_features, 4); },
                                 "data_extent: expected inputs with 2 features (N, 2), got [1, 3]");
  auto model = linear_with({{1, 0}, {-1, 0}}, {0, 0});
  expect_throw_with<ValueError>([&] { decision_regions(*model, Extent{}, 1); },
                                "decision_regions: expected resolution >= 2, got 1");
}

}  // namespace
}  // namespace nnlab::analysis
