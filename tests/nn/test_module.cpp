#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/nn/module.h"
#include "testing/asserts.h"

namespace nnlab::nn {
namespace {

struct Leaf final : Module {
  Tensor weight, running;
  explicit Leaf(std::int64_t n) {
    weight = register_parameter("weight", Tensor::ones({n}));
    running = register_buffer("running", Tensor::zeros({n}));
  }
  Tensor forward(const Tensor& x) override { return x; }
  std::string describe() const override { return "Leaf"; }
};

struct Tree final : Module {
  Tree() {
    register_module("layer1", std::make_shared<Leaf>(2));
    register_module("layer10", std::make_shared<Leaf>(3));
    bias = register_parameter("bias", Tensor::zeros({1}));
  }
  Tensor forward(const Tensor& x) override { return x; }
  std::string describe() const override { return "Tree"; }
  Tensor bias;
};

std::vector<std::string> names(const std::vector<NamedTensor>& list) {
  std::vector<std::string> out;
  for (const auto& entry : list) out.push_back(entry.first);
  return out;
}

}  // namespace

TEST(Module, DottedNamesLikePyTorchStateDict) {
  Tree tree;
  EXPECT_EQ(names(tree.named_parameters()), (std::vector<std::string>{"bias", "layer1.weight", "layer10.weight"}));
  EXPECT_EQ(names(tree.named_buffers()), (std::vector<std::string>{"layer1.running", "layer10.running"}));
  EXPECT_EQ(tree.state().size(), 5u);
  EXPECT_EQ(tree.parameter_count(), 6);
}

TEST(Module, ParametersRequireGrad) {
  Tree tree;
  for (const Tensor& p : tree.parameters()) EXPECT_TRUE(p.requires_grad());
}

TEST(Module, FreezeByPrefixStopsAtDots) {
  Tree tree;
  EXPECT_EQ(tree.freeze("layer1"), 1);  // not layer10
  EXPECT_EQ(tree.parameter_count(/*trainable_only=*/true), 4);
  EXPECT_EQ(tree.unfreeze(), 3);
  EXPECT_EQ(tree.parameter_count(true), 6);
  expect_throw_with<ValueError>([&] { tree.freeze("head"); }, "freeze: no parameter name starts with 'head'");
}

TEST(Module, TrainAndEvalReachEveryChild) {
  Tree tree;
  tree.eval();
  for (const auto& child : tree.children()) EXPECT_FALSE(child.second->is_training());
  tree.train();
  EXPECT_TRUE(tree.children()[0].second->is_training());
}

TEST(Module, RejectsDuplicateAndDottedNames) {
  struct Bad final : Module {
    explicit Bad(const std::string& second) {
      register_parameter("w", Tensor::zeros({1}));
      register_parameter(second, Tensor::zeros({1}));
    }
    Tensor forward(const Tensor& x) override { return x; }
    std::string describe() const override { return "Bad"; }
  };
  expect_throw_with<ValueError>([] { Bad bad("w"); }, "Bad: the name 'w' is already registered");
  expect_throw_with<ValueError>([] { Bad bad("a.b"); }, "contain no '.', got 'a.b'");
}

TEST(Module, PrintsTheTree) {
  Tree tree;
  EXPECT_EQ(tree.to_string(), "Tree\n  (layer1): Leaf\n  (layer10): Leaf\n");
}

}  // namespace nnlab::nn
