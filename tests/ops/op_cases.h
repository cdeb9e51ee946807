#pragma once
// The op table: one line per differentiable op (name, input shapes, input domain, the call).
// test_op_cases.cpp sweeps it: float64 gradient check on contiguous and non-contiguous
// inputs, and float32 forward against float64 forward. The PyTorch parity sweep looks up
// fixtures by the same names. Each op family registers its lines in cases_<family>.cpp:
//
//   static const RegisterOpCases kMathCases({
//       {.name = "exp", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::exp(in[0]); }},
//   });
#include <functional>
#include <string>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::testing {

enum class Domain {
  any,       // N(0, 1)
  away_from_zero,  // N(0, 1) with |x| >= 0.1 (kinks of relu, abs, sign, clamp bounds...)
  positive,  // U(0.5, 2): log, sqrt, pow with a fractional exponent, divisors
};

struct OpCase {
  std::string name;
  std::vector<Shape> shapes;  // one per tensor input; every input gets a gradient
  Domain domain = Domain::any;
  std::function<Tensor(const std::vector<Tensor>&)> fn;
};

std::vector<OpCase>& op_cases();
std::vector<std::string> op_case_names();
const OpCase& find_op_case(const std::string& name);  // throws std::out_of_range if absent

struct RegisterOpCases {
  explicit RegisterOpCases(std::vector<OpCase> cases);
};

// The inputs a case runs on: seeded by the case's name, in its domain.
std::vector<Tensor> make_case_inputs(const OpCase& op_case, DType dtype);

}  // namespace nnlab::testing
