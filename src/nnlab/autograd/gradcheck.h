#pragma once
// The gradient checker: compares the gradients backward() computes with float64 central
// differences, as torch.autograd.gradcheck does. Used by the test suite and usable from code.
//
// Small cases compare the full Jacobian (one backward per output element); larger ones compare
// J^T r for a seeded random r (dlib's projection trick), which a wrong backward fails just as
// surely. The check never retries with other step sizes.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::autograd {

struct GradcheckOptions {
  double eps = 1e-6;   // central-difference step
  double atol = 1e-5;  // pass when |analytic - numeric| <= atol + rtol * |numeric|
  double rtol = 1e-3;
  std::uint64_t seed = 0;  // for the projection vector
};

struct GradcheckResult {
  bool passed = false;
  std::string message;  // on failure: the input, element, analytic and numeric values
};

using GradcheckFn = std::function<Tensor(const std::vector<Tensor>&)>;

// Inputs that require grad must be float64; the others are passed through unchanged.
GradcheckResult gradcheck(const GradcheckFn& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

}  // namespace nnlab::autograd
