// Reduction kernels against their naive reference twins, over every subset of dims of 3-D and
// 4-D shapes, strided inputs (the gather path), rows long enough to use threads, and column
// counts on both sides of the kReduceTile boundary.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/kernels/reduce.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"

namespace nnlab::kernels {
namespace {

// x's shape with 1 in every dim whose bit is set in `mask`.
Shape keepdim_shape(const Shape& shape, unsigned mask) {
  Shape out = shape;
  for (int d = 0; d < shape.rank(); ++d) {
    if (mask & (1u << d)) out[d] = 1;
  }
  return out;
}

// Inputs: contiguous shapes, and strided views (a permutation of a contiguous tensor).
std::vector<Tensor> inputs(DType dtype) {
  Rng rng(61);
  std::vector<Tensor> xs;
  for (const Shape& shape : {Shape{5, 7, 3}, Shape{2, 1, 6, 4}, Shape{3, 300, 5}, Shape{2, 3, 260}, Shape{40, 1000}}) {
    xs.push_back(randn(shape, rng, dtype));
  }
  xs.push_back(view::permute(randn({4, 5, 6}, rng, dtype), {2, 0, 1}));
  xs.push_back(view::transpose(randn({300, 7}, rng, dtype), 0, 1));
  return xs;
}

Tol tolerance(DType dtype) { return dtype == DType::f32 ? Tol::f32() : Tol{1e-12, 1e-12}; }

class ReduceKernels : public ::testing::TestWithParam<DType> {};

TEST_P(ReduceKernels, SumMeanAndVarMatchTheReference) {
  const DType dtype = GetParam();
  for (const Tensor& x : inputs(dtype)) {
    for (unsigned mask = 0; mask < (1u << x.dim()); ++mask) {
      SCOPED_TRACE(x.shape().to_string() + " mask " + std::to_string(mask));
      const Shape kept = keepdim_shape(x.shape(), mask);
      Tensor fast = Tensor::empty(kept, dtype), naive = Tensor::empty(kept, dtype);
      sum_forward(x.view(), fast.mut_view());
      sum_forward_reference(x.view(), naive.mut_view());
      EXPECT_CLOSE(fast, naive, tolerance(dtype));
      const double count = static_cast<double>(x.numel() / kept.numel());
      mean_forward(x.view(), fast.mut_view());
      std::vector<double> means = naive.to_vector<double>();
      for (double& m : means) m /= count;
      EXPECT_CLOSE(fast, Tensor::from_doubles(means, kept, dtype), tolerance(dtype));
      for (std::int64_t correction : {0, 1}) {
        Tensor mean = Tensor::empty(kept, dtype);
        var_forward(x.view(), correction, fast.mut_view(), mean.mut_view());
        var_forward_reference(x.view(), correction, naive.mut_view());
        EXPECT_CLOSE(fast, naive, tolerance(dtype));
        EXPECT_CLOSE(mean, Tensor::from_doubles(means, kept, dtype), tolerance(dtype));
      }
    }
  }
}

// Column sums over many rows (a Linear layer's bias gradient) are split by rows across threads;
// 3 threads leave parts of unequal length.
TEST_P(ReduceKernels, ColumnSumsSplitByRowsMatchTheReference) {
  const DType dtype = GetParam();
  Rng rng(62);
  const int saved = num_threads();
  for (const Shape& shape : {Shape{1000, 50}, Shape{3001, 37}, Shape{700, 256}}) {
    const Tensor x = randn(shape, rng, dtype);
    Tensor naive = Tensor::empty({1, shape[1]}, dtype);
    sum_forward_reference(x.view(), naive.mut_view());
    for (int threads : {1, 2, 3}) {
      SCOPED_TRACE(shape.to_string() + " on " + std::to_string(threads) + " threads");
      set_num_threads(threads);
      Tensor fast = Tensor::empty({1, shape[1]}, dtype);
      sum_forward(x.view(), fast.mut_view());
      EXPECT_CLOSE(fast, naive, tolerance(dtype));
    }
  }
  set_num_threads(saved);
}

TEST_P(ReduceKernels, ExtremaAndTheirPositionsMatchTheReference) {
  const DType dtype = GetParam();
  for (const Tensor& x : inputs(dtype)) {
    for (unsigned mask = 0; mask < (1u << x.dim()); ++mask) {
      SCOPED_TRACE(x.shape().to_string() + " mask " + std::to_string(mask));
      const Shape kept = keepdim_shape(x.shape(), mask);
      for (Extremum op : {Extremum::max, Extremum::min}) {
        Tensor values = Tensor::empty(kept, dtype), indices = Tensor::empty(kept, DType::i64);
        Tensor naive_values = Tensor::empty(kept, dtype), naive_indices = Tensor::empty(kept, DType::i64);
        extremum_forward(op, x.view(), values.mut_view(), indices.mut_view());
        extremum_forward_reference(op, x.view(), naive_values.mut_view(), naive_indices.mut_view());
        expect_equal(values, naive_values);
        expect_equal(indices, naive_indices);
      }
    }
  }
}

TEST_P(ReduceKernels, TiesAndNaNsPickTheSamePositionsAsTheReference) {
  // Values from {0, 1, 2} (ties everywhere), every 37th a NaN, in rows and in columns.
  const DType dtype = GetParam();
  for (const Shape& shape : {Shape{6, 300}, Shape{300, 6}, Shape{3, 40, 5}}) {
    std::vector<double> values(static_cast<std::size_t>(shape.numel()));
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = i % 37 == 5 ? std::nan("") : static_cast<double>(i * 7 % 3);
    }
    const Tensor x = Tensor::from_doubles(values, shape, dtype);
    for (unsigned mask = 1; mask < (1u << x.dim()); ++mask) {
      SCOPED_TRACE(shape.to_string() + " mask " + std::to_string(mask));
      const Shape kept = keepdim_shape(shape, mask);
      for (Extremum op : {Extremum::max, Extremum::min}) {
        Tensor indices = Tensor::empty(kept, DType::i64), naive = Tensor::empty(kept, DType::i64);
        extremum_forward(op, x.view(), MutView{}, indices.mut_view());
        extremum_forward_reference(op, x.view(), MutView{}, naive.mut_view());
        expect_equal(indices, naive);
      }
    }
  }
}

TEST_P(ReduceKernels, BackwardScattersAndBroadcastsByPosition) {
  // sum_backward then sum_forward multiplies by the count; extremum_backward puts each value
  // back where the extremum was, so summing it again returns it.
  const DType dtype = GetParam();
  for (const Tensor& x : inputs(dtype)) {
    const Tensor dense = contiguous(x);
    for (unsigned mask = 1; mask < (1u << x.dim()); ++mask) {
      SCOPED_TRACE(x.shape().to_string() + " mask " + std::to_string(mask));
      const Shape kept = keepdim_shape(x.shape(), mask);
      const double count = static_cast<double>(x.numel() / kept.numel());
      Rng rng(mask);
      const Tensor g = randn(kept, rng, dtype);
      Tensor dx = Tensor::empty(x.shape(), dtype), back = Tensor::empty(kept, dtype);
      sum_backward(g.view(), 0.5, dx.mut_view());
      sum_forward(dx.view(), back.mut_view());
      std::vector<double> expected = g.to_vector<double>();
      for (double& v : expected) v *= 0.5 * count;
      EXPECT_CLOSE(back, Tensor::from_doubles(expected, kept, dtype), tolerance(dtype));
      Tensor values = Tensor::empty(kept, dtype), indices = Tensor::empty(kept, DType::i64);
      extremum_forward(Extremum::max, dense.view(), values.mut_view(), indices.mut_view());
      extremum_backward(g.view(), indices.view(), dx.mut_view());
      sum_forward(dx.view(), back.mut_view());
      expect_equal(back, g);
      // The scattered value sits at the max: dx * x summed per block equals g * max.
      std::vector<double> at_max = dx.to_vector<double>(), xv = dense.to_vector<double>();
      for (std::size_t i = 0; i < xv.size(); ++i) at_max[i] = at_max[i] != 0 ? xv[i] : 0;
      sum_forward(Tensor::from_doubles(at_max, x.shape(), dtype).view(), back.mut_view());
      const std::vector<double> maxima = values.to_vector<double>(), found = back.to_vector<double>();
      for (std::size_t k = 0; k < maxima.size(); ++k) ASSERT_EQ(found[k], maxima[k]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(DTypes, ReduceKernels, ::testing::Values(DType::f32, DType::f64),
                         [](const ::testing::TestParamInfo<DType>& p) { return std::string(dtype_name(p.param)); });

}  // namespace
}  // namespace nnlab::kernels
