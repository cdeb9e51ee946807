// Comparisons: validate, broadcast, one kernel call. Nothing is recorded.
#include "nnlab/ops/compare.h"

#include <cmath>

#include "nnlab/kernels/compare.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

using kernels::CompareOp;

Tensor compare(CompareOp op, const Tensor& a, const Tensor& b, const char* name) {
  check_defined(a, name);
  check_defined(b, name);
  check_same_dtype(a, b, name);
  const Shape shape = a.shape() == b.shape() ? a.shape() : view::broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = Tensor::empty(shape, DType::i64);
  kernels::compare_forward(op, view::expand(a, shape).view(), view::expand(b, shape).view(), out.mut_view());
  return out;
}

Tensor compare(CompareOp op, const Tensor& a, double b, const char* name) {
  check_defined(a, name);
  // 2^63: int64 cannot hold b from here on; such b (and fractions, inf, NaN) compare in float64.
  const bool integral = std::trunc(b) == b && std::abs(b) < 9223372036854775808.0;
  if (a.dtype() == DType::i64 && !integral) {
    return compare(op, nnlab::to_dtype(a, DType::f64), Tensor::scalar(b, DType::f64), name);
  }
  return compare(op, a, Tensor::scalar(b, a.dtype()), name);
}

}  // namespace

Tensor eq(const Tensor& a, const Tensor& b) { return compare(CompareOp::eq, a, b, "eq"); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(CompareOp::ne, a, b, "ne"); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(CompareOp::lt, a, b, "lt"); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(CompareOp::le, a, b, "le"); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare(CompareOp::gt, a, b, "gt"); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(CompareOp::ge, a, b, "ge"); }

Tensor eq(const Tensor& a, double b) { return compare(CompareOp::eq, a, b, "eq"); }
Tensor ne(const Tensor& a, double b) { return compare(CompareOp::ne, a, b, "ne"); }
Tensor lt(const Tensor& a, double b) { return compare(CompareOp::lt, a, b, "lt"); }
Tensor le(const Tensor& a, double b) { return compare(CompareOp::le, a, b, "le"); }
Tensor gt(const Tensor& a, double b) { return compare(CompareOp::gt, a, b, "gt"); }
Tensor ge(const Tensor& a, double b) { return compare(CompareOp::ge, a, b, "ge"); }

}  // namespace nnlab::ops
