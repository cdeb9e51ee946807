#include "testing/asserts.h"

#include <cmath>

#include "nnlab/tensor/print.h"

namespace nnlab {

::testing::AssertionResult tensors_close(const Tensor& actual, const Tensor& expected, Tol tol) {
  if (!actual.defined() || !expected.defined()) {
    return ::testing::AssertionFailure() << "a tensor is undefined";
  }
  if (actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure() << "shape " << actual.shape().to_string() << " != expected "
                                         << expected.shape().to_string();
  }
  const auto a = actual.to_vector<double>();
  const auto e = expected.to_vector<double>();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool both_nan = std::isnan(a[i]) && std::isnan(e[i]);
    const bool same_inf = std::isinf(a[i]) && a[i] == e[i];
    if (both_nan || same_inf) continue;
    if (!(std::abs(a[i] - e[i]) <= tol.atol + tol.rtol * std::abs(e[i]))) {
      return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs expected " << e[i]
                                           << " (atol " << tol.atol << ", rtol " << tol.rtol << ")\nactual   "
                                           << to_string(actual) << "\nexpected " << to_string(expected);
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace nnlab
