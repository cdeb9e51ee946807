// Logistic regression built from raw ops and trained by a hand-written SGD loop: the whole
// engine (creation, broadcasting, matmul, fused cross-entropy, backward) working together.
#include <gtest/gtest.h>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/allocator.h"
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/loss.h"
#include "nnlab/ops/matmul.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/tensor/creation.h"

namespace nnlab {
namespace {

// Three Gaussian blobs in 2-D around (4, 0), (-4, 4), (-4, -4): linearly separable.
void make_blobs(std::int64_t per_class, Rng& rng, Tensor& x, Tensor& y) {
  const double centres[3][2] = {{4, 0}, {-4, 4}, {-4, -4}};
  const Tensor noise = randn({3 * per_class, 2}, rng);
  x = Tensor::empty({3 * per_class, 2});
  y = Tensor::empty({3 * per_class}, DType::i64);
  for (std::int64_t i = 0; i < 3 * per_class; ++i) {
    const std::int64_t label = i % 3;
    for (int d = 0; d < 2; ++d) x.data<float>()[2 * i + d] = static_cast<float>(centres[label][d]) + noise.data<float>()[2 * i + d];
    y.data<std::int64_t>()[i] = label;
  }
}

void sgd_step(const Tensor& p, float lr) {
  float* w = p.data<float>();
  const float* g = p.grad().data<float>();
  for (std::int64_t i = 0; i < p.numel(); ++i) w[i] -= lr * g[i];
  p.zero_grad();
}

// One step of logistic regression (logits = x w + b) by hand; returns the loss before it.
double train_step(const Tensor& x, const Tensor& y, const Tensor& w, const Tensor& b) {
  const Tensor loss = ops::cross_entropy(ops::matmul(x, w) + b, y);
  loss.backward();
  NoGradGuard no_grad;
  sgd_step(w, 0.1f);
  sgd_step(b, 0.1f);
  return loss.item();
}

}  // namespace

TEST(EndToEnd, LogisticRegressionSeparatesBlobsPerfectly) {
  Rng rng(0);
  Tensor x, y;
  make_blobs(100, rng, x, y);
  const Tensor w = Tensor::zeros({2, 3}).requires_grad_();
  const Tensor b = Tensor::zeros({3}).requires_grad_();
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < 200; ++step) {
    last_loss = train_step(x, y, w, b);
    if (step == 0) first_loss = last_loss;
  }
  EXPECT_NEAR(first_loss, std::log(3.0), 1e-6);  // zero weights: uniform over 3 classes
  EXPECT_LT(last_loss, 0.05);
  const auto predicted = ops::argmax(ops::matmul(x, w) + b, 1).to_vector<std::int64_t>();
  EXPECT_EQ(predicted, y.to_vector<std::int64_t>());  // 100% training accuracy
}

TEST(EndToEnd, WarmTrainingStepsTakeNoNewMemoryFromTheSystem) {
  Rng rng(1);
  Tensor x, y;
  make_blobs(64, rng, x, y);
  const Tensor w = Tensor::zeros({2, 3}).requires_grad_();
  const Tensor b = Tensor::zeros({3}).requires_grad_();
  for (int i = 0; i < 5; ++i) train_step(x, y, w, b);  // warm-up fills the allocator's free lists
  const auto before = memory::allocator_stats().system_allocations;
  for (int i = 0; i < 50; ++i) train_step(x, y, w, b);
  EXPECT_EQ(memory::allocator_stats().system_allocations, before);
}

}  // namespace nnlab
