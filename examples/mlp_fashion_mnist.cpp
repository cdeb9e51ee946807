// The default experiment of `make run` until the `nnlab` command lands: a 784-128-10 ReLU
// MLP trained on Fashion-MNIST with raw ops and a hand-written SGD loop, then a table of
// train and test accuracy. Usage: mlp_fashion_mnist [DATA_DIR] [EPOCHS]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/error.h"
#include "nnlab/data/idx_file.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/linear.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/view.h"

using namespace nnlab;

namespace {

constexpr double kMean = 0.2860, kStd = 0.3530;  // Fashion-MNIST pixel statistics

struct Split {
  Tensor images;  // (N, 784) float32, normalised
  Tensor labels;  // (N) int64
};

Split load(const std::string& dir, const std::string& prefix) {
  Tensor images = data::read_idx(dir + "/" + prefix + "-images-idx3-ubyte.gz", DType::f32);
  Tensor labels = data::read_idx(dir + "/" + prefix + "-labels-idx1-ubyte.gz", DType::i64);
  float* p = images.data<float>();
  for (std::int64_t i = 0; i < images.numel(); ++i) p[i] = static_cast<float>((p[i] / 255.0 - kMean) / kStd);
  return {view::reshape(images, {images.size(0), -1}), labels};
}

// Rows `order[begin..end)` of a split, copied into one contiguous batch.
Split gather(const Split& split, const std::vector<std::int64_t>& order, std::size_t begin, std::size_t end) {
  const std::int64_t n = static_cast<std::int64_t>(end - begin), width = split.images.size(1);
  Split batch{Tensor::empty({n, width}), Tensor::empty({n}, DType::i64)};
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t row = order[begin + i];
    std::memcpy(batch.images.data<float>() + i * width, split.images.data<float>() + row * width, width * sizeof(float));
    batch.labels.data<std::int64_t>()[i] = split.labels.data<std::int64_t>()[row];
  }
  return batch;
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

double accuracy(const Mlp& model, const Split& split) {
  NoGradGuard no_grad;
  const Tensor predicted = ops::argmax(model.forward(split.images), 1);
  const auto p = predicted.to_vector<std::int64_t>(), y = split.labels.to_vector<std::int64_t>();
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < p.size(); ++i) correct += p[i] == y[i];
  return 100.0 * static_cast<double>(correct) / static_cast<double>(p.size());
}

int run(const std::string& dir, int epochs) {
  const Split train = load(dir, "train"), test = load(dir, "t10k");
  Rng rng(0);
  Mlp model(rng);
  constexpr std::size_t kBatch = 64;
  constexpr float kLr = 0.1f;
  std::printf("MLP 784-128-10 (ReLU) on Fashion-MNIST: %lld train / %lld test images, batch %zu, SGD lr %.2f\n",
              static_cast<long long>(train.images.size(0)), static_cast<long long>(test.images.size(0)), kBatch, kLr);
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const std::vector<std::int64_t> order = rng.permutation(train.images.size(0));
    double loss_sum = 0;
    std::size_t steps = 0;
    for (std::size_t begin = 0; begin + kBatch <= order.size(); begin += kBatch, ++steps) {
      const Split batch = gather(train, order, begin, begin + kBatch);
      const Tensor loss = ops::cross_entropy(model.forward(batch.images), batch.labels);
      loss.backward();
      sgd_step(model.parameters(), kLr);
      loss_sum += loss.item();
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
  const std::string dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  const int epochs = argc > 2 ? std::atoi(argv[2]) : 5;
  try {
    return run(dir, epochs);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
