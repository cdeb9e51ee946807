// MaxPool2d, AvgPool2d, AdaptiveAvgPool2d layers: reprs as torch's, no parameters, forward as
// the ops, bad options.
#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/nn/pool.h"
#include "nnlab/ops/pool.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::nn {

TEST(Pool2dLayers, DescribeThemselvesAsTorchRepr) {
  // torch 1.13 prints dilation=1, ceil_mode=False too for MaxPool2d; nnlab supports neither.
  EXPECT_EQ(MaxPool2d({.kernel_size = 2}).describe(), "MaxPool2d(kernel_size=2, stride=2, padding=0)");
  EXPECT_EQ(AvgPool2d({.kernel_size = {3, 2}, .stride = 1, .padding = 1}).describe(),
            "AvgPool2d(kernel_size=(3, 2), stride=1, padding=1)");
  EXPECT_EQ(AdaptiveAvgPool2d({.output_size = 1}).describe(), "AdaptiveAvgPool2d(output_size=1)");
  EXPECT_EQ(AdaptiveAvgPool2d({.output_size = {5, 7}}).describe(), "AdaptiveAvgPool2d(output_size=(5, 7))");
}

TEST(Pool2dLayers, ForwardIsTheOpWithNoParameters) {
  Rng rng(1);
  const Tensor x = randn({2, 3, 9, 8}, rng);
  MaxPool2d max_pool({.kernel_size = 3, .stride = 2, .padding = 1});
  AvgPool2d avg_pool({.kernel_size = 2});
  AdaptiveAvgPool2d adaptive({.output_size = {2, 3}});
  EXPECT_EQ(max_pool.parameter_count() + avg_pool.parameter_count() + adaptive.parameter_count(), 0);
  EXPECT_TRUE(max_pool.state().empty());
  expect_equal(max_pool(x), ops::max_pool2d(x, 3, ops::Size2d(2), 1));
  EXPECT_EQ(max_pool(x).shape(), (Shape{2, 3, 5, 4}));
  expect_equal(avg_pool(x), ops::avg_pool2d(x, 2));
  EXPECT_EQ(avg_pool(x).shape(), (Shape{2, 3, 4, 4}));
  expect_equal(adaptive(x), ops::adaptive_avg_pool2d(x, {2, 3}));
}

TEST(Pool2dLayers, RejectBadOptions) {
  expect_throw_with<ValueError>([] { MaxPool2d({.kernel_size = 0}); },
                                "MaxPool2d: expected positive kernel_size, got (0, 0)");
  expect_throw_with<ValueError>([] { AvgPool2d({.kernel_size = 2, .stride = ops::Size2d(1, 0)}); },
                                "AvgPool2d: expected positive stride, got (1, 0)");
  expect_throw_with<ValueError>(
      [] { MaxPool2d({.kernel_size = 3, .padding = 2}); },
      "MaxPool2d: expected padding between 0 and half the kernel_size, got padding (2, 2) for "
      "kernel_size (3, 3)");
  expect_throw_with<ValueError>(
      [] {
        AdaptiveAvgPool2d({.output_size = {0, 2}});
      },
      "AdaptiveAvgPool2d: expected a positive output_size, got (0, 2)");
  MaxPool2d pool({.kernel_size = 4});
  expect_throw_with<ShapeError>(
      [&] {
        pool(Tensor::zeros({1, 2, 3, 8}));
      },
      "max_pool2d: expected the padded input (3, 8) to be at least kernel_size (4, 4), got input "
      "[1, 2, 3, 8] with kernel_size (4, 4), stride (4, 4), padding (0, 0)");
}

}  // namespace nnlab::nn
