// Softmax kernels against the naive reference twin: every dim of shapes whose rows are short,
// long (threads) or wider than one tile of columns; backward against its formula in float64.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nnlab/kernels/softmax.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::kernels {
namespace {

const std::vector<Shape> kShapes = {{1}, {5, 7}, {3, 1, 4}, {300, 64}, {2, 9, 300}, {4, 1000}};

Tol tolerance(DType dtype) { return dtype == DType::f32 ? Tol::f32() : Tol{1e-12, 1e-12}; }

// Row-major (A, C, B) sizes around `dim`.
void split(const Shape& shape, int dim, std::int64_t& outer, std::int64_t& classes, std::int64_t& inner) {
  outer = classes = inner = 1;
  for (int d = 0; d < shape.rank(); ++d) (d < dim ? outer : d == dim ? classes : inner) *= shape[d];
}

// dx from the backward formulas, in float64: softmax y (g - sum g y); log-softmax g - e^y sum g.
Tensor backward_by_formula(const Tensor& y, const Tensor& g, int dim, bool log) {
  std::int64_t outer, classes, inner;
  split(y.shape(), dim, outer, classes, inner);
  const std::vector<double> yv = y.to_vector<double>(), gv = g.to_vector<double>();
  std::vector<double> dx(yv.size());
  for (std::int64_t a = 0; a < outer; ++a) {
    for (std::int64_t b = 0; b < inner; ++b) {
      double acc = 0;
      for (std::int64_t c = 0; c < classes; ++c) {
        const std::size_t i = static_cast<std::size_t>((a * classes + c) * inner + b);
        acc += log ? gv[i] : gv[i] * yv[i];
      }
      for (std::int64_t c = 0; c < classes; ++c) {
        const std::size_t i = static_cast<std::size_t>((a * classes + c) * inner + b);
        dx[i] = log ? gv[i] - std::exp(yv[i]) * acc : yv[i] * (gv[i] - acc);
      }
    }
  }
  return Tensor::from_doubles(dx, y.shape(), y.dtype());
}

class SoftmaxKernels : public ::testing::TestWithParam<DType> {};

TEST_P(SoftmaxKernels, ForwardAndBackwardMatchTheReference) {
  const DType dtype = GetParam();
  Rng rng(71);
  for (const Shape& shape : kShapes) {
    const Tensor x = normal(shape, 0.0, 5.0, rng, dtype);
    const Tensor g = randn(shape, rng, dtype);
    for (int dim = 0; dim < shape.rank(); ++dim) {
      for (bool log : {false, true}) {
        SCOPED_TRACE(shape.to_string() + " dim " + std::to_string(dim) + (log ? " log" : ""));
        Tensor fast = Tensor::empty(shape, dtype), naive = Tensor::empty(shape, dtype);
        if (log) {
          log_softmax_forward(x.view(), dim, fast.mut_view());
        } else {
          softmax_forward(x.view(), dim, fast.mut_view());
        }
        softmax_forward_reference(x.view(), dim, log, naive.mut_view());
        EXPECT_CLOSE(fast, naive, tolerance(dtype));
        Tensor dx = Tensor::empty(shape, dtype);
        if (log) {
          log_softmax_backward(fast.view(), g.view(), dim, dx.mut_view());
        } else {
          softmax_backward(fast.view(), g.view(), dim, dx.mut_view());
        }
        EXPECT_CLOSE(dx, backward_by_formula(fast, g, dim, log), tolerance(dtype));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(DTypes, SoftmaxKernels, ::testing::Values(DType::f32, DType::f64),
                         [](const ::testing::TestParamInfo<DType>& p) { return std::string(dtype_name(p.param)); });

}  // namespace
}  // namespace nnlab::kernels
