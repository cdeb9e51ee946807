// Conv2d layer: parameter names, shapes, initialisation bounds, repr, forward, bad options and
// input; and summary() of a small CNN built from the conv, pool and batch-norm layers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "nnlab/core/check.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/conv2d.h"
#include "nnlab/nn/flatten.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/pool.h"
#include "nnlab/nn/sequential.h"
#include "nnlab/nn/summary.h"
#include "nnlab/ops/conv.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab::nn {

TEST(Conv2d, ParametersNamedAndShapedAsTorch) {
  Conv2d layer({.in_channels = 4, .out_channels = 6, .kernel_size = 3, .groups = 2});
  const auto params = layer.named_parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].first, "weight");
  EXPECT_EQ(params[0].second.shape(), (Shape{6, 2, 3, 3}));  // (out, in / groups, kH, kW)
  EXPECT_EQ(params[1].first, "bias");
  EXPECT_EQ(params[1].second.shape(), (Shape{6}));
  EXPECT_EQ(layer.parameter_count(), 6 * 2 * 9 + 6);
  Conv2d no_bias({.in_channels = 3, .out_channels = 8, .kernel_size = {5, 3}, .bias = false});
  EXPECT_EQ(no_bias.named_parameters().size(), 1u);
  EXPECT_FALSE(no_bias.bias().defined());
}

TEST(Conv2d, DescribesItselfAsTorchRepr) {
  // The strings torch 1.13 prints for the same layers (with torch's False spelt false).
  EXPECT_EQ(Conv2d({.in_channels = 4, .out_channels = 6, .kernel_size = 3, .groups = 2}).describe(),
            "Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), groups=2)");
  EXPECT_EQ(Conv2d({.in_channels = 3,
                    .out_channels = 8,
                    .kernel_size = {5, 3},
                    .stride = {2, 1},
                    .padding = {2, 1},
                    .dilation = 2,
                    .bias = false})
                .describe(),
            "Conv2d(3, 8, kernel_size=(5, 3), stride=(2, 1), padding=(2, 1), dilation=(2, 2), bias=false)");
}

TEST(Conv2d, InitialisationStaysWithinOneOverSqrtFanIn) {
  Rng rng(11);
  Conv2d layer({.in_channels = 8, .out_channels = 16, .kernel_size = 3, .groups = 2, .rng = &rng});
  const double bound = 1.0 / std::sqrt(4.0 * 3 * 3);  // fan_in = in_channels / groups · kH · kW = 36
  double low = 1.0, high = -1.0;
  for (const Tensor& p : layer.parameters()) {
    for (float v : p.to_vector<float>()) {
      low = std::min<double>(low, v);
      high = std::max<double>(high, v);
    }
  }
  EXPECT_GE(low, -bound);
  EXPECT_LE(high, bound);
  EXPECT_LT(low, -0.9 * bound);  // 592 draws span nearly the whole interval
  EXPECT_GT(high, 0.9 * bound);
  Rng again(11);
  expect_equal(Conv2d({.in_channels = 8, .out_channels = 16, .kernel_size = 3, .groups = 2, .rng = &again}).weight(),
               layer.weight());
}

TEST(Conv2d, ForwardIsOpsConv2dWithTheLayersOptions) {
  Rng rng(3);
  Conv2d layer({.in_channels = 3, .out_channels = 8, .kernel_size = 3, .stride = 2, .padding = 1, .rng = &rng});
  const Tensor x = randn({2, 3, 8, 8}, rng);
  const Tensor y = layer(x);
  EXPECT_EQ(y.shape(), (Shape{2, 8, 4, 4}));
  expect_equal(y, ops::conv2d(x, layer.weight(), layer.bias(), {.stride = 2, .padding = 1}));
  EXPECT_EQ(layer(randn({3, 5, 5}, rng)).shape(), (Shape{8, 3, 3}));  // one (C, H, W) image
}

TEST(Conv2d, GradientsFlowToInputAndParameters) {
  Rng rng(4);
  Conv2d layer({.in_channels = 2, .out_channels = 3, .kernel_size = 2, .padding = 1, .dtype = DType::f64});
  const Tensor x = randn({2, 2, 3, 3}, rng, DType::f64).requires_grad_();
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x});
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return ops::conv2d(x, in[0], in[1], {.padding = 1}); },
                   {layer.weight(), layer.bias()});
}

TEST(Conv2d, RejectsBadOptionsAndInput) {
  expect_throw_with<ValueError>([] { Conv2d({.in_channels = 0, .out_channels = 3, .kernel_size = 3}); },
                                "Conv2d: expected positive in_channels and out_channels, got in_channels=0");
  expect_throw_with<ValueError>([] { Conv2d({.in_channels = 3, .out_channels = 3}); },
                                "Conv2d: expected positive kernel_size, got (0, 0)");
  expect_throw_with<ValueError>(
      [] { Conv2d({.in_channels = 3, .out_channels = 4, .kernel_size = 3, .groups = 2}); },
      "Conv2d: expected in_channels and out_channels divisible by groups=2, got in_channels=3, "
      "out_channels=4");
  expect_throw_with<ValueError>([] { Conv2d({.in_channels = 3, .out_channels = 4, .kernel_size = 3, .stride = 0}); },
                                "Conv2d: expected positive stride, got (0, 0)");
  expect_throw_with<ValueError>([] { Conv2d({.in_channels = 3, .out_channels = 4, .kernel_size = 3, .padding = -1}); },
                                "Conv2d: expected non-negative padding, got (-1, -1)");
  Conv2d layer({.in_channels = 3, .out_channels = 16, .kernel_size = 3});
  expect_throw_with<ShapeError>(
      [&] {
        layer(Tensor::zeros({2, 4, 8, 8}));
      },
      "Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1)): expected input of shape [N, 3, H, W] "
      "or [3, H, W], got [2, 4, 8, 8]");
  expect_throw_with<ShapeError>(
      [&] {
        layer(Tensor::zeros({2, 3, 2, 8}));
      },
      "conv2d: expected the padded input (2, 8) to be at least the dilated kernel (3, 3), got "
      "input [2, 3, 2, 8]");
}

TEST(Summary, ListsTheLayersOfASmallCnn) {
  Sequential model{
      std::make_shared<Conv2d>(Conv2dOptions{.in_channels = 1, .out_channels = 4, .kernel_size = 3, .padding = 1}),
      std::make_shared<BatchNorm2d>(BatchNorm2dOptions{.num_features = 4}),
      std::make_shared<ReLU>(),
      std::make_shared<MaxPool2d>(MaxPool2dOptions{.kernel_size = 2}),
      std::make_shared<Conv2d>(Conv2dOptions{.in_channels = 4, .out_channels = 8, .kernel_size = 3}),
      std::make_shared<AdaptiveAvgPool2d>(AdaptiveAvgPool2dOptions{.output_size = 1}),
      std::make_shared<Flatten>(),
      std::make_shared<Linear>(LinearOptions{.in_features = 8, .out_features = 10})};
  const std::string text = summary(model, {2, 1, 8, 8});
  EXPECT_NE(text.find("0: Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"), std::string::npos) << text;
  EXPECT_NE(text.find("[2, 4, 8, 8]"), std::string::npos) << text;
  EXPECT_NE(text.find("3: MaxPool2d(kernel_size=2, stride=2, padding=0)"), std::string::npos) << text;
  EXPECT_NE(text.find("[2, 4, 4, 4]"), std::string::npos) << text;
  EXPECT_NE(text.find("[2, 8, 2, 2]"), std::string::npos) << text;
  EXPECT_NE(text.find("5: AdaptiveAvgPool2d(output_size=1)"), std::string::npos) << text;
  EXPECT_NE(text.find("[2, 8, 1, 1]"), std::string::npos) << text;
  EXPECT_NE(text.find("[2, 10]"), std::string::npos) << text;
  EXPECT_NE(text.find("Total params: 434\n"), std::string::npos) << text;  // 40 + 8 + 0 + 0 + 296 + 0 + 0 + 90
  EXPECT_EQ(std::static_pointer_cast<BatchNorm2d>(model.layers()[1])->num_batches_tracked(), 0);
}

}  // namespace nnlab::nn
