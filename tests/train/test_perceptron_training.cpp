// E1: the multi-class perceptron trained through the ordinary Trainer (loss "perceptron", SGD,
// lr 1, one example per batch in dataset order) makes exactly the classic mistake-driven updates.
#include <gtest/gtest.h>

#include <algorithm>

#include "nnlab/data/synthetic.h"
#include "nnlab/nn/builders.h"
#include "nnlab/optim/sgd.h"
#include "nnlab/train/trainer.h"
#include "testing/asserts.h"

namespace nnlab {
namespace {

TEST(PerceptronTraining, SgdOnThePerceptronLossIsTheClassicRule) {
  const data::Dataset blobs = data::map_clusters(60, /*seed=*/3, /*classes=*/4);
  nn::Perceptron by_rule(2, 4), by_trainer(2, 4);
  for (int epoch = 0; epoch < 3; ++epoch) nn::perceptron_update(by_rule, blobs.inputs, blobs.targets);

  optim::SGD sgd(by_trainer.parameters(), {.lr = 1.0});
  train::Trainer trainer(by_trainer, sgd, train::make_objective("perceptron", data::Task::classification, 4),
                         {.epochs = 3});
  data::DataLoader loader(blobs, {.batch_size = 1, .shuffle = false});
  trainer.fit(loader, data::Dataset{}, data::Dataset{});
  EXPECT_CLOSE(by_trainer.weight(), by_rule.weight(), Tol::f32());
  EXPECT_CLOSE(by_trainer.bias(), by_rule.bias(), Tol::f32());
  const float* w = by_rule.weight().data<float>();
  EXPECT_TRUE(std::any_of(w, w + by_rule.weight().numel(), [](float v) { return v != 0.0f; }));  // it learned
}

}  // namespace
}  // namespace nnlab
