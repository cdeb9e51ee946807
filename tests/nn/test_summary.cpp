// summary(): rows, shapes, counts, and no side effects on the model.
#include <gtest/gtest.h>

#include <memory>

#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/summary.h"

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

}  // namespace nnlab::nn
