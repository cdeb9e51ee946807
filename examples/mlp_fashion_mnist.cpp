// nnlab as a C++ library, below the Trainer: a 784-128-10 ReLU MLP trained on Fashion-MNIST
// with raw ops and a hand-written SGD loop, then a table of train and test accuracy. What the
// `nnlab` command does for a config, spelled out. Usage: mlp_fashion_mnist [DATA_DIR] [EPOCHS]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/error.h"
#include "nnlab/data/loader.h"
#include "nnlab/data/mnist.h"
#include "nnlab/data/split.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/linear.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/view.h"

using namespace nnlab;

namespace {

// Fashion-MNIST with pixels in [0, 1] normalised by the training set's statistics, flattened.
data::Dataset load(const std::string& dir, data::Split split) {
  const data::Dataset images = data::load_mnist(dir, split, {.fashion = true});
  data::Dataset flat = data::normalize(images, {.mean = {0.2860}, .std = {0.3530}, .per_channel = true});
  flat.inputs = view::reshape(flat.inputs, {flat.size(), -1});
  return flat;
}

struct Mlp {
  Tensor w1, b1, w2, b2;
  explicit Mlp(Rng& rng) {
    // U(±1/sqrt(fan_in)): torch.nn.Linear's default initialisation.
    const double bound1 = 1.0 / std::sqrt(784.0), bound2 = 1.0 / std::sqrt(128.0);
    w1 = uniform({128, 784}, -bound1, bound1, rng).requires_grad_();
    b1 = uniform({128}, -bound1, bound1, rng).requires_grad_();
    w2 = uniform({10, 128}, -bound2, bound2, rng).requires_grad_();
    b2 = uniform({10}, -bound2, bound2, rng).requires_grad_();
  }
  Tensor forward(const Tensor& x) const { return ops::linear(ops::relu(ops::linear(x, w1, b1)), w2, b2); }
  std::vector<Tensor> parameters() const { return {w1, b1, w2, b2}; }
};

void sgd_step(const std::vector<Tensor>& params, float lr) {
  NoGradGuard no_grad;
  for (const Tensor& p : params) {
    float* w = p.data<float>();
    const float* g = p.grad().data<float>();
    for (std::int64_t i = 0; i < p.numel(); ++i) w[i] -= lr * g[i];
    p.zero_grad();
  }
}

double accuracy(const Mlp& model, const data::Dataset& split) {
  NoGradGuard no_grad;
  const Tensor predicted = ops::argmax(model.forward(split.inputs), 1);
  const auto p = predicted.to_vector<std::int64_t>(), y = split.targets.to_vector<std::int64_t>();
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < p.size(); ++i) correct += p[i] == y[i];
  return 100.0 * static_cast<double>(correct) / static_cast<double>(p.size());
}

int run(const std::string& dir, int epochs) {
  const data::Dataset train = load(dir, data::Split::train), test = load(dir, data::Split::test);
  Rng rng(0);
  Mlp model(rng);
  constexpr std::int64_t kBatch = 64;
  data::DataLoader loader(train, {.batch_size = kBatch, .shuffle = true, .drop_last = true, .seed = 0});
  constexpr float kLr = 0.1f;
  std::printf("MLP 784-128-10 (ReLU) on Fashion-MNIST: %lld train / %lld test images, batch %lld, SGD lr %.2f\n",
              static_cast<long long>(train.size()), static_cast<long long>(test.size()),
              static_cast<long long>(kBatch), kLr);
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    double loss_sum = 0;
    std::size_t steps = 0;
    for (const data::Batch& batch : loader) {
      const Tensor loss = ops::cross_entropy(model.forward(batch.inputs), batch.targets);
      loss.backward();
      sgd_step(model.parameters(), kLr);
      loss_sum += loss.item();
      ++steps;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("epoch %d/%d  train loss %.4f  test accuracy %.2f%%  (%.1f s)\n", epoch, epochs,
                loss_sum / static_cast<double>(steps), accuracy(model, test), seconds);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\n| split | accuracy |\n|-------|----------|\n| train | %6.2f%% |\n| test  | %6.2f%% |\n\ntraining time %.1f s\n",
              accuracy(model, train), accuracy(model, test), seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : data::kFashionMnistDir;
  int epochs = 5;
  if (argc > 2) {
    char* end = nullptr;
    const long parsed = std::strtol(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || parsed < 1 || parsed > 1000) {
      std::fprintf(stderr, "error: EPOCHS must be a whole number from 1 to 1000, got '%s'\n", argv[2]);
      std::fprintf(stderr, "usage: %s [DATA_DIR] [EPOCHS]\n", argv[0]);
      return 2;
    }
    epochs = static_cast<int>(parsed);
  }
  try {
    return run(dir, epochs);
  } catch (const std::exception& e) {  // nnlab::Error, and std::bad_alloc on a machine too small
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
