#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "nnlab/core/checked_arithmetic.h"

namespace nnlab {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(CheckedArithmetic, AddAndMulGiveExactResultsOrNothing) {
  EXPECT_EQ(checked_add(2, 3), 5);
  EXPECT_EQ(checked_add(kMax - 1, 1), kMax);
  EXPECT_EQ(checked_add(kMax, 1), std::nullopt);
  EXPECT_EQ(checked_add(kMin, -1), std::nullopt);
  EXPECT_EQ(checked_mul(-4, 5), -20);
  EXPECT_EQ(checked_mul(std::int64_t{1} << 31, std::int64_t{1} << 31), std::int64_t{1} << 62);
  EXPECT_EQ(checked_mul(std::int64_t{1} << 32, std::int64_t{1} << 31), std::nullopt);  // 2^63
  EXPECT_EQ(checked_mul(kMax, 2), std::nullopt);
}

TEST(CheckedArithmetic, ProductOfSizes) {
  EXPECT_EQ(checked_product(std::vector<std::int64_t>{}), 1);
  EXPECT_EQ(checked_product(std::vector<std::int64_t>{2, 3, 4}), 24);
  EXPECT_EQ(checked_product(std::vector<std::int64_t>{kMax, 1}), kMax);
  EXPECT_EQ(checked_product(std::vector<std::int64_t>{std::int64_t{1} << 62, 2}), std::nullopt);
  // 9223372036854775807 wide hidden layer of a 784-input MLP: the product that crashed `nnlab info`
  EXPECT_EQ(checked_product(std::vector<std::int64_t>{kMax, 784}), std::nullopt);
  // an empty dimension empties the tensor whatever the other sizes are, even past int64 together
  EXPECT_EQ(checked_product(std::vector<std::int64_t>{std::int64_t{1} << 62, std::int64_t{1} << 62, 0}), 0);
}

}  // namespace
}  // namespace nnlab
