// Batched eval-mode forward passes: joined batches, restored mode, arg max ties.
#include <gtest/gtest.h>

#include <memory>

#include "fixed_models.h"
#include "nnlab/analysis/model_outputs.h"
#include "nnlab/core/error.h"
#include "nnlab/nn/dropout.h"
#include "nnlab/nn/sequential.h"
#include "testing/asserts.h"

namespace nnlab::analysis {
namespace {

TEST(ModelOutputs, JoinsBatchesInEvalMode) {
  // Dropout with p = 0.9 would zero most outputs in training mode; eval mode is the identity.
  nn::Sequential model{linear_with({{2}, {-1}}, {1, 0}), std::make_shared<nn::Dropout>(nn::DropoutOptions{.p = 0.9})};
  const Tensor inputs = Tensor::from_doubles({0, 1, 2, 3, 4}, {5, 1});
  const Tensor outputs = outputs_in_batches(model, inputs, 2);
  expect_close(outputs, Tensor::from({{1.0, 0.0}, {3.0, -1.0}, {5.0, -2.0}, {7.0, -3.0}, {9.0, -4.0}}), Tol::f32());
  EXPECT_TRUE(model.is_training());
  EXPECT_FALSE(outputs.requires_grad());
}

TEST(ModelOutputs, ArgmaxTakesTheFirstMaximum) {
  EXPECT_EQ(argmax_rows(Tensor::from({{1.0, 3.0, 3.0}, {5.0, 5.0, 0.0}, {-1.0, -2.0, -0.5}})),
            (std::vector<std::int64_t>{1, 0, 2}));
}

TEST(ModelOutputs, RejectsBadBatchSizes) {
  auto model = linear_with({{1}}, {0});
  expect_throw_with<ValueError>(
      [&] {
        outputs_in_batches(*model, Tensor::zeros({2, 1}), 0);
      },
      "outputs_in_batches: batch_size must be >= 1, got 0");
}

}  // namespace
}  // namespace nnlab::analysis
