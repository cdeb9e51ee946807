// BatchNorm2d: names as torch, train/eval outputs and running statistics (numbers from
// torch.nn.BatchNorm2d(2).double() on the same input), gradient check, bad input.
#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab::nn {
namespace {

constexpr DType kF64 = DType::f64;
constexpr Tol kTorchTol{1e-9, 1e-9};

// torch.arange(16.).reshape(2, 2, 2, 2): channel 0 holds 0..3 and 8..11 (mean 5.5), channel 1
// holds 4..7 and 12..15 (mean 9.5); both have biased variance 17.25 and unbiased 138 / 7.
Tensor x2222() { return Tensor::from_doubles(arange(0, 16, 1, kF64).to_vector<double>(), {2, 2, 2, 2}, kF64); }

std::vector<std::string> names(const std::vector<NamedTensor>& list) {
  std::vector<std::string> out;
  for (const auto& entry : list) out.push_back(entry.first);
  return out;
}

}  // namespace

TEST(BatchNorm2d, NamesParametersAndBuffersAsTorch) {
  BatchNorm2d layer({.num_features = 16});
  EXPECT_EQ(names(layer.named_parameters()), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(names(layer.named_buffers()),
            (std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"}));
  EXPECT_EQ(layer.weight().shape(), (Shape{16}));
  EXPECT_EQ(layer.describe(), "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
}

TEST(BatchNorm2d, TrainThenEvalMatchesPyTorch) {
  BatchNorm2d layer({.num_features = 2, .dtype = kF64});
  expect_close(layer(x2222()),
               Tensor::from_doubles({-1.3242440001046762, -1.0834723637220078, -0.8427007273393394, -0.601929090956671,
                                     -1.3242440001046765, -1.083472363722008, -0.8427007273393397, -0.6019290909566712,
                                     0.601929090956671, 0.8427007273393394, 1.0834723637220078, 1.3242440001046762,
                                     0.6019290909566708, 0.8427007273393392, 1.0834723637220076, 1.324244000104676},
                                    {2, 2, 2, 2}, kF64),
               kTorchTol);
  expect_close(layer.running_mean(), Tensor::from({0.55, 0.95}, kF64), Tol::f64());
  expect_close(layer.running_var(), Tensor::from({2.8714285714285714, 2.8714285714285714}, kF64), Tol::f64());
  EXPECT_EQ(layer.num_batches_tracked(), 1);
  layer.eval();
  expect_close(layer(x2222()),
               Tensor::from_doubles({-0.3245733997469021, 0.26556005433837443, 0.855693508423651, 1.4458269625089275,
                                     1.7999070349600932, 2.39004048904537, 2.980173943130646, 3.570307397215923,
                                     4.39649423293531, 4.986627687020587, 5.576761141105863, 6.166894595191139,
                                     6.520974667642306, 7.1111081217275816, 7.701241575812858, 8.291375029898134},
                                    {2, 2, 2, 2}, kF64),
               kTorchTol);
  EXPECT_EQ(layer.num_batches_tracked(), 1);
}

TEST(BatchNorm2d, TrainingModePassesGradientCheck) {
  BatchNorm2d layer({.num_features = 3, .dtype = kF64});
  layer.weight().data<double>()[1] = 1.7;
  layer.bias().data<double>()[2] = -0.4;
  Rng rng(2);
  const Tensor x = randn({2, 3, 3, 2}, rng, kF64).requires_grad_();
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return layer(in[0]); }, {x});
}

TEST(BatchNorm2d, RejectsInputOfAnotherRankOrChannelCount) {
  BatchNorm2d layer({.num_features = 16});
  expect_throw_with<ShapeError>(
      [&] {
        layer(Tensor::zeros({4, 16}));
      },
      "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true): "
      "expected input of shape [N, 16, H, W], got [4, 16]");
  expect_throw_with<ShapeError>(
      [&] {
        layer(Tensor::zeros({4, 8, 2, 2}));
      },
      "expected input of shape [N, 16, H, W], got [4, 8, 2, 2]");
  expect_throw_with<ValueError>([] { BatchNorm2d({.num_features = 0}); },
                                "BatchNorm2d: expected num_features > 0, got 0");
  // The 1-d layer still refuses images: each layer checks its own rank.
  expect_throw_with<ShapeError>(
      [] {
        BatchNorm1d({.num_features = 2})(Tensor::zeros({4, 2, 2, 2}));
      },
      "expected input of shape [N, 2] or [N, 2, L], got [4, 2, 2, 2]");
}

}  // namespace nnlab::nn
