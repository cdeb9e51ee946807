// Gradient-boosted trees through XGBoost: one round of one split against the leaf values of the
// logistic loss worked out here, a separable multi-class problem, reproducibility for a seed, and
// one clear error for each kind of bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nnlab/analysis/boosted_trees.h"
#include "nnlab/core/error.h"
#include "nnlab/data/synthetic.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// One round, max_depth 1, eta 1, on 1-D data with labels y: every margin starts at 0 (base_score
// 0.5), so g_i = 0.5 - y_i and h_i = 0.25. For a split putting the first k sorted rows left,
// the gain is G_L² / (H_L + λ) + G_R² / (H_R + λ) - G² / (H + λ) and each leaf holds
// -G_side / (H_side + λ); the trees pick the split of largest gain. Returns P(y = 1) per row.
std::vector<double> one_split_by_hand(const std::vector<double>& y, double lambda) {
  const auto n = y.size();
  const auto side = [&](std::size_t begin, std::size_t end) {
    double g = 0.0, h = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
      g += 0.5 - y[i];
      h += 0.25;
    }
    return std::pair{g, h};
  };
  const auto score = [&](std::pair<double, double> gh) { return gh.first * gh.first / (gh.second + lambda); };
  std::size_t best = 1;
  double best_gain = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 1; k < n; ++k) {
    const double gain = score(side(0, k)) + score(side(k, n)) - score(side(0, n));
    if (gain > best_gain) {
      best_gain = gain;
      best = k;
    }
  }
  const auto leaf = [&](std::pair<double, double> gh) { return -gh.first / (gh.second + lambda); };
  std::vector<double> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = sigmoid(i < best ? leaf(side(0, best)) : leaf(side(best, n)));
  return p;
}

TEST(BoostedTrees, OneSplitMatchesTheLogisticLeafValuesByHand) {
  // x = 1..7 with y = 0 0 1 0 | 1 1 1: the best split is x < 5 (gain 0.5 + 1.2857 - 0.0909 with
  // λ = 1), whose leaves are -(1.5 - 0.5) / (1 + 1) = -0.5 and 1.5 / (0.75 + 1) = 6/7.
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7};
  const std::vector<std::int64_t> labels = {0, 0, 1, 0, 1, 1, 1};
  const std::vector<double> y(labels.begin(), labels.end());
  for (const double lambda : {0.0, 1.0, 3.0}) {
    const BoostedTrees trees = BoostedTrees::fit(
        {.values = x, .rows = 7, .columns = 1}, labels, 2,
        {.rounds = 1, .max_depth = 1, .eta = 1.0, .reg_lambda = lambda, .min_child_weight = 0.0, .threads = 1});
    const std::vector<float> p = trees.predict_proba({.values = x, .rows = 7, .columns = 1});
    const std::vector<double> expected = one_split_by_hand(y, lambda);
    ASSERT_EQ(p.size(), 14u);
    for (std::size_t i = 0; i < 7; ++i) {
      EXPECT_NEAR(p[2 * i + 1], expected[i], 1e-6) << "row " << i << ", lambda " << lambda;
      EXPECT_NEAR(p[2 * i] + p[2 * i + 1], 1.0, 1e-6);
    }
  }
  EXPECT_NEAR(one_split_by_hand(y, 1.0)[0], sigmoid(-0.5), 1e-15);  // the numbers in the comment above
  EXPECT_NEAR(one_split_by_hand(y, 1.0)[6], sigmoid(6.0 / 7.0), 1e-15);
}

TEST(BoostedTrees, SeparatesBlobs) {
  const data::Dataset blobs = data::blobs(800, /*seed=*/4, /*classes=*/4, /*dims=*/3, /*stddev=*/1.0);
  const Tensor train_x = view::narrow(blobs.inputs, 0, 0, 600), test_x = view::narrow(blobs.inputs, 0, 600, 200);
  const Tensor train_y = view::narrow(blobs.targets, 0, 0, 600);
  const std::vector<std::int64_t> test_y = view::narrow(blobs.targets, 0, 600, 200).to_vector<std::int64_t>();
  const BoostedTrees trees = BoostedTrees::fit(train_x, train_y, 4, {.rounds = 20, .max_depth = 3, .threads = 2});
  EXPECT_EQ(trees.classes(), 4);
  EXPECT_EQ(trees.columns(), 3);
  const std::vector<std::int64_t> predicted = trees.predict(test_x);
  ASSERT_EQ(predicted.size(), test_y.size());
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == test_y[i];
  EXPECT_GE(static_cast<double>(correct) / 200.0, 0.95);
  const Tensor p = trees.predict_proba(test_x);
  EXPECT_EQ(p.shape(), Shape({200, 4}));
  const std::vector<float> values = p.to_vector<float>();
  for (std::int64_t i = 0; i < 200; ++i) {
    double sum = 0.0;
    for (std::int64_t k = 0; k < 4; ++k) sum += values[static_cast<std::size_t>(i * 4 + k)];
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << i;
  }
}

TEST(BoostedTrees, SameSeedGivesIdenticalProbabilities) {
  const data::Dataset moons = data::moons(300, /*seed=*/1, /*noise=*/0.3);
  const BoostedTreesOptions options{.rounds = 15, .max_depth = 4, .subsample = 0.6, .threads = 2, .seed = 7};
  const std::vector<float> a =
      BoostedTrees::fit(moons.inputs, moons.targets, 2, options).predict_proba(moons.inputs).to_vector<float>();
  const std::vector<float> b =
      BoostedTrees::fit(moons.inputs, moons.targets, 2, options).predict_proba(moons.inputs).to_vector<float>();
  EXPECT_EQ(a, b);
  BoostedTreesOptions other = options;
  other.seed = 8;  // the rows drawn for each tree change, and with them the trees
  const std::vector<float> c =
      BoostedTrees::fit(moons.inputs, moons.targets, 2, other).predict_proba(moons.inputs).to_vector<float>();
  EXPECT_NE(a, c);
}

TEST(BoostedTrees, RejectsBadInputNamingTheProblem) {
  const std::vector<float> x = {0, 1, 2, 3, 4, 5};
  const FeatureRows rows{.values = x, .rows = 3, .columns = 2};
  const std::vector<std::int64_t> labels = {0, 1, 2};
  expect_throw_with<ValueError>(
      [&] {
        BoostedTrees::fit(rows, std::vector<std::int64_t>{0, 3, 1}, 3);
      },
      "boosted_trees: expected labels in [0, 3) (3 classes), got 3 at row 1");
  expect_throw_with<ValueError>(
      [&] {
        BoostedTrees::fit(rows, std::vector<std::int64_t>{0, -1, 1}, 3);
      },
      "got -1 at row 1");
  expect_throw_with<ShapeError>(
      [&] {
        BoostedTrees::fit(rows, std::vector<std::int64_t>{0, 1}, 3);
      },
      "boosted_trees: expected one label per row, got 2 labels for 3 rows");
  expect_throw_with<ShapeError>([&] { BoostedTrees::fit({.values = x, .rows = 4, .columns = 2}, labels, 3); },
                                "expected rows x columns = 4 x 2 = 8 feature values, got 6");
  expect_throw_with<ValueError>([&] { BoostedTrees::fit({.values = {}, .rows = 0, .columns = 2}, {}, 3); },
                                "boosted_trees: expected at least one training row, got none");
  expect_throw_with<ValueError>([&] { BoostedTrees::fit(rows, labels, 1); },
                                "boosted_trees: expected classes >= 2, got 1");
  expect_throw_with<ValueError>([&] { BoostedTrees::fit(rows, labels, 3, {.eta = 0.0}); },
                                "boosted_trees: eta: expected a number in (0, 1], got 0");
  expect_throw_with<ShapeError>(
      [&] {
        BoostedTrees::fit(Tensor::zeros({4, 2}), Tensor::zeros({3}, DType::i64), 2);
      },
      "got 3 labels for 4 rows");
  expect_throw_with<DTypeError>(
      [&] {
        BoostedTrees::fit(Tensor::zeros({3, 2}), Tensor::zeros({3}), 2);
      },
      "boosted_trees: expected int64 class labels, got float32");

  const BoostedTrees trees = BoostedTrees::fit(rows, labels, 3, {.rounds = 2});
  expect_throw_with<ShapeError>(
      [&] {
        trees.predict(Tensor::zeros({5, 3}));
      },
      "boosted_trees predict: expected 2 features per row (as trained), got 3");
}

TEST(BoostedTrees, PassesXGBoostsOwnErrorsOnAsOneLine) {
  const std::vector<float> x = {0, std::numeric_limits<float>::infinity(), 2};
  try {
    BoostedTrees::fit({.values = x, .rows = 3, .columns = 1}, std::vector<std::int64_t>{0, 1, 0}, 2);
    ADD_FAILURE() << "an infinite feature was accepted";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("boosted_trees: XGBoost's XGDMatrixCreateFromMat_omp failed: "), std::string::npos)
        << message;
    EXPECT_NE(message.find("Input data contains `inf`"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find("Stack trace"), std::string::npos) << message;
  }
}

TEST(BoostedTrees, MovesItsBoosterAndPredictsNothingForNoRows) {
  const data::Dataset moons = data::moons(60, /*seed=*/2);
  BoostedTrees trees = BoostedTrees::fit(moons.inputs, moons.targets, 2, {.rounds = 3});
  const BoostedTrees moved = std::move(trees);
  EXPECT_EQ(moved.predict_proba(Tensor::zeros({0, 2})).shape(), Shape({0, 2}));
  EXPECT_EQ(moved.predict(moons.inputs).size(), 60u);
}

}  // namespace
}  // namespace nnlab::analysis
