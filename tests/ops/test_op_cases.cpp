// Sweeps the op table (op_cases.h): every registered op gets its gradient checked.
#include <gtest/gtest.h>

#include "ops/op_cases.h"
#include "testing/asserts.h"
#include "testing/fixtures.h"
#include "testing/gradcheck_asserts.h"

namespace nnlab::testing {
namespace {

std::vector<Tensor> with_grad(std::vector<Tensor> inputs) {
  for (Tensor& t : inputs) t.requires_grad_();
  return inputs;
}

class OpCaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  const OpCase& op_case() const { return find_op_case(GetParam()); }
};

TEST_P(OpCaseTest, GradientMatchesCentralDifferences) {
  const OpCase& c = op_case();
  EXPECT_GRADCHECK(c.fn, with_grad(make_case_inputs(c, DType::f64)));
}

TEST_P(OpCaseTest, NonContiguousInputsGiveTheSameValuesAndGradients) {
  const OpCase& c = op_case();
  std::vector<Tensor> strided;
  bool any = false;
  for (const Tensor& t : make_case_inputs(c, DType::f64)) {
    any = any || t.dim() >= 2;
    strided.push_back(t.dim() >= 2 ? non_contiguous(t) : t);
  }
  if (!any) GTEST_SKIP() << "no input of rank >= 2";
  expect_close(c.fn(strided), c.fn(make_case_inputs(c, DType::f64)), Tol::f64());
  EXPECT_GRADCHECK(c.fn, with_grad(strided));
}

TEST_P(OpCaseTest, Float32AgreesWithFloat64) {
  const OpCase& c = op_case();
  const Tensor out32 = c.fn(make_case_inputs(c, DType::f32));
  const Tensor out64 = c.fn(make_case_inputs(c, DType::f64));
  EXPECT_EQ(out32.dtype(), DType::f32);
  expect_close(out32, out64, Tol::loose());
}

INSTANTIATE_TEST_SUITE_P(Ops, OpCaseTest, ::testing::ValuesIn(op_case_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace nnlab::testing
