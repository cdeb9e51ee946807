#include "nnlab/tensor/checks.h"

#include "nnlab/core/check.h"

namespace nnlab {

void check_defined(const Tensor& t, std::string_view where) {
  NNLAB_CHECK(t.defined(), ValueError, "{}: expected a tensor, got an undefined one", where);
}

void check_rank(const Tensor& t, int rank, std::string_view where) {
  check_defined(t, where);
  NNLAB_CHECK(t.dim() == rank, ShapeError, "{}: expected a {}-D tensor, got shape {}", where, rank, t.shape());
}

void check_floating(const Tensor& t, std::string_view where) {
  check_defined(t, where);
  NNLAB_CHECK(is_floating(t.dtype()), DTypeError, "{}: expected float32 or float64, got {}", where, t.dtype());
}

void check_same_dtype(const Tensor& a, const Tensor& b, std::string_view where) {
  NNLAB_CHECK(a.dtype() == b.dtype(), DTypeError, "{}: both tensors must have one dtype, got {} and {}", where,
              a.dtype(), b.dtype());
}

void check_dtype(const Tensor& t, DType dtype, std::string_view where) {
  check_defined(t, where);
  NNLAB_CHECK(t.dtype() == dtype, DTypeError, "{}: expected {}, got {}", where, dtype, t.dtype());
}

}  // namespace nnlab
