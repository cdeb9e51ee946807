#include "ops/op_cases.h"

#include <functional>
#include <stdexcept>

#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"

namespace nnlab::testing {

std::vector<OpCase>& op_cases() {
  static std::vector<OpCase> cases;
  return cases;
}

std::vector<std::string> op_case_names() {
  std::vector<std::string> names;
  for (const OpCase& c : op_cases()) names.push_back(c.name);
  return names;
}

const OpCase& find_op_case(const std::string& name) {
  for (const OpCase& c : op_cases()) {
    if (c.name == name) return c;
  }
  throw std::out_of_range("no op case named " + name);
}

RegisterOpCases::RegisterOpCases(std::vector<OpCase> cases) {
  for (auto& c : cases) op_cases().push_back(std::move(c));
}

std::vector<Tensor> make_case_inputs(const OpCase& op_case, DType dtype) {
  Rng rng(std::hash<std::string>{}(op_case.name) & 0xffffffff);
  std::vector<Tensor> inputs;
  for (const Shape& shape : op_case.shapes) {
    Tensor t;
    switch (op_case.domain) {
      case Domain::any: t = randn(shape, rng, DType::f64); break;
      case Domain::away_from_zero: {
        t = randn(shape, rng, DType::f64);
        double* p = t.data<double>();
        for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = p[i] < 0 ? p[i] - 0.1 : p[i] + 0.1;
        break;
      }
      case Domain::positive: t = uniform(shape, 0.5, 2.0, rng, DType::f64); break;
    }
    inputs.push_back(to_dtype(t, dtype));
  }
  return inputs;
}

}  // namespace nnlab::testing
