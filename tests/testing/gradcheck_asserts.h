#pragma once
// EXPECT_GRADCHECK(fn, inputs): the float64 gradient check as a test assertion. On failure
// it prints the input, element, analytic and numeric values (autograd/gradcheck.h).
#include <gtest/gtest.h>

#include "nnlab/autograd/gradcheck.h"

namespace nnlab {

inline ::testing::AssertionResult gradcheck_passes(const autograd::GradcheckFn& fn, const std::vector<Tensor>& inputs) {
  const autograd::GradcheckResult result = autograd::gradcheck(fn, inputs);
  if (result.passed) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << result.message;
}

}  // namespace nnlab

#define EXPECT_GRADCHECK(fn, ...) EXPECT_TRUE(::nnlab::gradcheck_passes((fn), __VA_ARGS__))
