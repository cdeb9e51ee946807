// keep_classes: a dataset narrowed to some classes, relabelled in the order listed.
#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/data/class_filter.h"
#include "testing/asserts.h"

namespace nnlab::data {
namespace {

// Six examples whose single input is their row number; labels 0, 1, 2, 3, 1, 2.
Dataset four_classes() {
  Dataset d;
  d.inputs = Tensor::from_doubles({0, 1, 2, 3, 4, 5}, {6, 1});
  d.targets = Tensor::from_vector<std::int64_t>({0, 1, 2, 3, 1, 2}, {6});
  d.num_classes = 4;
  d.class_names = {"T-shirt", "Trouser", "Sandal", "Sneaker"};
  d.name = "clothes";
  return d;
}

std::vector<std::int64_t> list(std::initializer_list<std::int64_t> values) { return values; }

}  // namespace

TEST(KeepClasses, KeepsTheListedClassesRelabelledInTheOrderListed) {
  const std::vector<std::int64_t> classes = {2, 1};
  const Dataset kept = keep_classes(four_classes(), classes);
  expect_equal(kept.inputs, Tensor::from_doubles({1, 2, 4, 5}, {4, 1}));                       // rows keep their order
  EXPECT_EQ(kept.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0, 1, 0}));  // 2 -> 0, 1 -> 1
  EXPECT_EQ(kept.num_classes, 2);
  EXPECT_EQ(kept.class_names, (std::vector<std::string>{"Sandal", "Trouser"}));
  EXPECT_EQ(kept.name, "clothes");
  EXPECT_EQ(kept.task, Task::classification);
}

TEST(KeepClasses, AClassWithoutExamplesStaysAClass) {
  Dataset d = four_classes();
  d.class_names.clear();
  const std::vector<std::int64_t> classes = {3, 0, 1};
  const Dataset kept = keep_classes(d, classes);
  EXPECT_EQ(kept.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 0, 2}));
  EXPECT_EQ(kept.num_classes, 3);
  EXPECT_TRUE(kept.class_names.empty());
}

TEST(KeepClasses, NamesTheBadValue) {
  const Dataset d = four_classes();
  expect_throw_with<ValueError>([&] { keep_classes(d, list({2})); },
                                "keep_classes: expected at least 2 classes, got [2]");
  expect_throw_with<ValueError>(
      [&] {
        keep_classes(d, list({1, 4}));
      },
      "keep_classes: expected class indices in [0, 4) ('clothes' has 4 classes), got 4");
  expect_throw_with<ValueError>([&] { keep_classes(d, list({-1, 2})); }, "got -1");
  expect_throw_with<ValueError>(
      [&] {
        keep_classes(d, list({1, 2, 1}));
      },
      "keep_classes: expected distinct class indices, got 1 twice in [1, 2, 1]");
  Dataset regression = d;
  regression.task = Task::regression;
  regression.targets = Tensor::from_doubles({0.5, 1.5, 2.5, 3.5, 4.5, 5.5}, {6, 1});
  expect_throw_with<ValueError>(
      [&] {
        keep_classes(regression, list({0, 1}));
      },
      "keep_classes: needs a classification dataset, 'clothes' is regression");
}

}  // namespace nnlab::data
