// BatchNorm1d: names, train/eval outputs and running statistics (numbers from
// torch.nn.BatchNorm1d on the same input), gradient check in training mode, bad input.
#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab::nn {
namespace {

constexpr DType kF64 = DType::f64;
// Channel 0: 1, 3, 5 (mean 3); channel 1: 2, 6, 4 (mean 4); both biased var 8/3, unbiased 4.
Tensor three_by_two() { return Tensor::from({{1, 2}, {3, 6}, {5, 4}}, kF64); }

std::vector<std::string> names(const std::vector<NamedTensor>& list) {
  std::vector<std::string> out;
  for (const auto& entry : list) out.push_back(entry.first);
  return out;
}

}  // namespace

TEST(BatchNorm1d, NamesParametersAndBuffersAsTorch) {
  BatchNorm1d layer({.num_features = 4});
  EXPECT_EQ(names(layer.named_parameters()), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(names(layer.named_buffers()),
            (std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"}));
  EXPECT_EQ(layer.num_batches_tracked(), 0);
  EXPECT_EQ(layer.named_buffers()[2].second.dtype(), DType::i64);
  EXPECT_EQ(layer.named_buffers()[2].second.dim(), 0);
  EXPECT_EQ(layer.describe(), "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
  BatchNorm1d plain({.num_features = 4, .affine = false, .track_running_stats = false});
  EXPECT_EQ(plain.state().size(), 0u);
}

TEST(BatchNorm1d, TrainThenEvalMatchesPyTorch) {
  BatchNorm1d layer({.num_features = 2, .dtype = kF64});
  // torch: BatchNorm1d(2).double()(x) in training mode
  expect_close(layer(three_by_two()),
               Tensor::from({{-1.2247425750, -1.2247425750}, {0.0, 1.2247425750}, {1.2247425750, 0.0}}, kF64),
               {1e-9, 1e-9});
  expect_close(layer.running_mean(), Tensor::from({0.3, 0.4}, kF64), Tol::f64());
  expect_close(layer.running_var(), Tensor::from({1.3, 1.3}, kF64), Tol::f64());
  EXPECT_EQ(layer.num_batches_tracked(), 1);
  layer.eval();
  // torch: (x - 0.3) / sqrt(1.3 + 1e-5) and (x - 0.4) / sqrt(1.3 + 1e-5)
  expect_close(layer(three_by_two()),
               Tensor::from({{0.6139382522, 1.4032874336}, {2.3680475443, 4.9115060177}, {4.1221568363, 3.1573967257}},
                            kF64),
               {1e-9, 1e-9});
  EXPECT_EQ(layer.num_batches_tracked(), 1);
  expect_close(layer.running_mean(), Tensor::from({0.3, 0.4}, kF64), Tol::f64());
}

TEST(BatchNorm1d, CumulativeAverageWhenMomentumIsNone) {
  BatchNorm1d layer({.num_features = 2, .momentum = std::nullopt, .dtype = kF64});
  layer(three_by_two());  // momentum 1: running stats become the batch ones
  expect_close(layer.running_mean(), Tensor::from({3, 4}, kF64), Tol::f64());
  expect_close(layer.running_var(), Tensor::from({4, 4}, kF64), Tol::f64());
}

TEST(BatchNorm1d, TrainingModePassesGradientCheck) {
  BatchNorm1d layer({.num_features = 3, .dtype = kF64});
  Rng rng(2);
  const Tensor x = randn({5, 3}, rng, kF64), x3 = randn({4, 3, 2}, rng, kF64);
  layer.weight().data<double>()[1] = 1.7;
  layer.bias().data<double>()[2] = -0.4;
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x.requires_grad_()});
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x3.requires_grad_()});
}

TEST(BatchNorm1d, RejectsBadInput) {
  BatchNorm1d layer({.num_features = 16});
  expect_throw_with<ShapeError>([&] { layer(Tensor::zeros({4, 8})); }, "expected input of shape [N, 16] or [N, 16, L], got [4, 8]");
  expect_throw_with<ValueError>([&] { layer(Tensor::zeros({1, 16})); },
                                "batch_norm: expected more than 1 value per channel when training, got input of shape [1, 16]");
}

}  // namespace nnlab::nn
