// PyTorch parity for the op table: each line runs on the inputs stored in
// fixtures/ops/<name>.safetensors (written by fixtures/gen_ops.py) and must reproduce
// PyTorch's output and the gradients of sum(out * w).
#include <gtest/gtest.h>

#include <filesystem>

#include "nnlab/io/safetensors.h"
#include "ops/op_cases.h"
#include "testing/asserts.h"

namespace nnlab::testing {
namespace {

// Both sides compute in float64; differences come only from summation order.
constexpr Tol kParityTol{1e-9, 1e-9};

std::string fixture_path(const std::string& name) {
  return std::string(NNLAB_FIXTURE_DIR) + "/ops/" + name + ".safetensors";
}

class OpParity : public ::testing::TestWithParam<std::string> {};

TEST_P(OpParity, MatchesPyTorch) {
  const OpCase* op_case = &find_op_case(GetParam());
  const std::string path = fixture_path(op_case->name);
  ASSERT_TRUE(std::filesystem::exists(path)) << "no PyTorch fixture for '" << op_case->name
                                             << "': add the case to tests/fixtures/gen_ops.py and run make fixtures";
  const io::SafetensorsFile fixture = io::load_safetensors(path);
  std::vector<Tensor> inputs;
  for (std::size_t k = 0; k < op_case->shapes.size(); ++k) {
    inputs.push_back(fixture.tensors.at("in" + std::to_string(k)).requires_grad_());
  }
  const Tensor out = op_case->fn(inputs);
  EXPECT_CLOSE(out, fixture.tensors.at("out"), kParityTol);
  out.backward(fixture.tensors.at("w"));
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    SCOPED_TRACE("gradient of input " + std::to_string(k));
    EXPECT_CLOSE(inputs[k].grad(), fixture.tensors.at("grad" + std::to_string(k)), kParityTol);
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, OpParity, ::testing::ValuesIn(op_case_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace nnlab::testing
