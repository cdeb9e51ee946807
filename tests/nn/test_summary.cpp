// summary(): rows, shapes, counts, no side effects on the model; any module whose forward is its
// children in order, and a clear error for one whose forward is not.
#include <gtest/gtest.h>

#include <memory>

#include "nnlab/core/check.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/resnet.h"
#include "nnlab/nn/sequential.h"
#include "nnlab/nn/summary.h"
#include "testing/asserts.h"

namespace nnlab::nn {

TEST(Summary, ListsLayersShapesAndCounts) {
  Sequential model{std::make_shared<Linear>(LinearOptions{.in_features = 4, .out_features = 8}),
                   std::make_shared<BatchNorm1d>(BatchNorm1dOptions{.num_features = 8}), std::make_shared<ReLU>(),
                   std::make_shared<Linear>(LinearOptions{.in_features = 8, .out_features = 3})};
  model.freeze("3");
  const std::string text = summary(model, {2, 4});
  EXPECT_NE(text.find("0: Linear(in_features=4, out_features=8, bias=true)"), std::string::npos) << text;
  EXPECT_NE(text.find("[2, 8]            40\n"), std::string::npos) << text;
  EXPECT_NE(text.find("3: Linear(in_features=8, out_features=3, bias=true)"), std::string::npos) << text;
  EXPECT_NE(text.find("[2, 3]"), std::string::npos) << text;
  EXPECT_NE(text.find("Total params: 83\n"), std::string::npos) << text;  // 40 + 16 + 0 + 27
  EXPECT_NE(text.find("Trainable params: 56\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Non-trainable params: 27\n"), std::string::npos) << text;
  EXPECT_TRUE(model.is_training());
  EXPECT_EQ(std::static_pointer_cast<BatchNorm1d>(model.layers()[1])->num_batches_tracked(), 0);
}

TEST(Summary, AModuleWithoutChildrenIsOneRow) {
  Linear layer({.in_features = 4, .out_features = 3});
  const std::string text = summary(layer, {2, 4});
  EXPECT_NE(text.find("Linear(in_features=4, out_features=3, bias=true)  [2, 3]            15\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Total params: 15\n"), std::string::npos) << text;
}

TEST(Summary, RejectsAModuleWhoseForwardIsNotItsChildrenInOrder) {
  // A residual block's shortcut runs beside conv1..bn2, not after them.
  Rng rng(1);
  BasicBlock block({.in_channels = 4, .planes = 8, .stride = 2, .rng = &rng});
  const auto run = [&] { summary(block, {2, 4, 6, 6}); };
  expect_throw_with<ValueError>(run,
                                "summary: expected BasicBlock(4, 8, stride=2)'s forward to apply its children in "
                                "order, but child 'downsample' fails on the previous child's output");
  EXPECT_TRUE(block.is_training());  // restored on the error too
  // Errors of the model's own forward pass through unchanged.
  expect_throw_with<ShapeError>([&] { summary(block, {2, 3, 6, 6}); }, "expected input of shape [N, 4, H, W]");
}

}  // namespace nnlab::nn
