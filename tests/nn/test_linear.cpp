// Linear, Identity and Flatten layers: parameter names, shapes and initialisation bounds.
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/check.h"
#include "nnlab/nn/flatten.h"
#include "nnlab/nn/identity.h"
#include "nnlab/nn/linear.h"
#include "testing/asserts.h"

namespace nnlab::nn {

TEST(Linear, ParametersNamedAndShapedAsTorch) {
  Linear layer({.in_features = 4, .out_features = 3});
  const auto params = layer.named_parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].first, "weight");
  EXPECT_EQ(params[0].second.shape(), (Shape{3, 4}));
  EXPECT_EQ(params[1].first, "bias");
  EXPECT_EQ(params[1].second.shape(), (Shape{3}));
  EXPECT_EQ(layer.parameter_count(), 15);
  EXPECT_EQ(layer.describe(), "Linear(in_features=4, out_features=3, bias=true)");
  Linear no_bias({.in_features = 4, .out_features = 3, .bias = false});
  EXPECT_EQ(no_bias.parameter_count(), 12);
}

TEST(Linear, InitialisationStaysWithinOneOverSqrtIn) {
  Rng rng(11);
  Linear layer({.in_features = 25, .out_features = 40, .rng = &rng});
  const double bound = 1.0 / std::sqrt(25.0);
  double low = 1.0, high = -1.0;
  for (const Tensor& p : layer.parameters()) {
    for (float v : p.to_vector<float>()) {
      low = std::min<double>(low, v);
      high = std::max<double>(high, v);
    }
  }
  EXPECT_GE(low, -bound);
  EXPECT_LE(high, bound);
  EXPECT_LT(low, -0.9 * bound);  // 1040 draws span nearly the whole interval
  EXPECT_GT(high, 0.9 * bound);
}

TEST(Linear, SameRngSeedGivesSameWeights) {
  Rng a(5), b(5);
  Linear first({.in_features = 3, .out_features = 2, .rng = &a});
  Linear second({.in_features = 3, .out_features = 2, .rng = &b});
  expect_equal(first.weight(), second.weight());
  manual_seed(9);
  Linear third({.in_features = 3, .out_features = 2});
  manual_seed(9);
  Linear fourth({.in_features = 3, .out_features = 2});
  expect_equal(third.weight(), fourth.weight());
}

TEST(Linear, ForwardComputesXWeightTransposePlusBias) {
  Linear layer({.in_features = 2, .out_features = 1, .dtype = DType::f64});
  layer.weight().data<double>()[0] = 2.0;
  layer.weight().data<double>()[1] = -1.0;
  layer.bias().data<double>()[0] = 0.5;
  // 2*3 - 1*4 + 0.5 = 2.5
  expect_close(layer(Tensor::from({{3, 4}}, DType::f64)), Tensor::from_doubles({2.5}, {1, 1}, DType::f64), Tol::f64());
}

TEST(Linear, RejectsWrongFeatureCount) {
  Linear layer({.in_features = 4, .out_features = 3});
  expect_throw_with<ShapeError>([&] { layer(Tensor::zeros({2, 5})); },
                                "Linear(in_features=4, out_features=3, bias=true): expected input of shape [*, 4], got [2, 5]");
  expect_throw_with<ValueError>([] { Linear({.in_features = 0, .out_features = 3}); }, "Linear: expected positive");
}

TEST(Identity, ReturnsInput) {
  Identity layer;
  const Tensor x = Tensor::from({1, 2});
  expect_equal(layer(x), x);
  EXPECT_EQ(layer.parameter_count(), 0);
}

TEST(Flatten, KeepsBatchDimByDefault) {
  Flatten layer;
  EXPECT_EQ(layer(Tensor::zeros({2, 3, 4, 5})).shape(), (Shape{2, 60}));
  Flatten middle({.start_dim = 1, .end_dim = 2});
  EXPECT_EQ(middle(Tensor::zeros({2, 3, 4, 5})).shape(), (Shape{2, 12, 5}));
  EXPECT_EQ(layer.describe(), "Flatten(start_dim=1, end_dim=-1)");
}

}  // namespace nnlab::nn
