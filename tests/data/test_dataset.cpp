#include <gtest/gtest.h>

#include "nnlab/core/check.h"
#include "nnlab/data/dataset.h"
#include "testing/asserts.h"

namespace nnlab::data {

namespace {
Dataset tiny() {
  Dataset d;
  d.inputs = Tensor::from({{0, 1}, {2, 3}, {4, 5}});
  d.targets = Tensor::from_vector<std::int64_t>({0, 2, 1}, {3});
  d.num_classes = 3;
  d.name = "tiny";
  return d;
}
}  // namespace

TEST(Dataset, ValidDatasetPasses) { EXPECT_NO_THROW(validate(tiny())); }

TEST(Dataset, LabelOutOfRangeIsNamed) {
  Dataset d = tiny();
  d.num_classes = 2;
  expect_throw_with<DataError>([&] { validate(d); }, "tiny: label 2 of example 1 is out of range for 2 classes");
}

TEST(Dataset, MismatchedCountsAreNamed) {
  Dataset d = tiny();
  d.targets = Tensor::from_vector<std::int64_t>({0, 1}, {2});
  expect_throw_with<DataError>([&] { validate(d); }, "tiny: 3 inputs but targets of shape [2]");
}

TEST(Dataset, SubsetCopiesRows) {
  const Dataset s = subset(tiny(), Tensor::from_vector<std::int64_t>({2, 0}, {2}));
  expect_equal(s.inputs, Tensor::from({{4, 5}, {0, 1}}));
  EXPECT_EQ(s.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0}));
  EXPECT_EQ(s.num_classes, 3);
}

}  // namespace nnlab::data
