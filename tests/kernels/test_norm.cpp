// BatchNorm kernels against straightforward long double loops, on the shapes that exercise the
// float64 lanes of kernels/cpu/norm.cpp: L = 1 (BatchNorm1d), 3, 4 (2x2 maps), 16, 17 and 257;
// channel counts that are no multiple of the 16 lanes; batches of 1 and 7 (not a multiple of the
// 4 rows summed together); a mean far from zero; and the same bits on any thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "nnlab/core/parallel.h"
#include "nnlab/kernels/norm.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"

namespace nnlab::kernels {
namespace {

struct Sizes {
  std::int64_t batch, channels, inner;  // N, C, L
};

Sizes sizes_of(const Shape& shape) {
  Sizes s{shape[0], shape[1], 1};
  for (int d = 2; d < shape.rank(); ++d) s.inner *= shape[d];
  return s;
}

using Doubles = std::vector<double>;

// x[n, c, l] for x of sizes s, flattened row-major.
double at(const Doubles& x, const Sizes& s, std::int64_t n, std::int64_t c, std::int64_t l) {
  return x[static_cast<std::size_t>((n * s.channels + c) * s.inner + l)];
}

// Two-pass mean and biased variance per channel, in long double.
void reference_stats(const Doubles& x, const Sizes& s, Doubles& mean, Doubles& var) {
  const auto count = static_cast<long double>(s.batch * s.inner);
  for (std::int64_t c = 0; c < s.channels; ++c) {
    long double sum = 0, squares = 0;
    for (std::int64_t n = 0; n < s.batch; ++n) {
      for (std::int64_t l = 0; l < s.inner; ++l) sum += at(x, s, n, c, l);
    }
    const long double m = sum / count;
    for (std::int64_t n = 0; n < s.batch; ++n) {
      for (std::int64_t l = 0; l < s.inner; ++l) squares += (at(x, s, n, c, l) - m) * (at(x, s, n, c, l) - m);
    }
    mean.push_back(static_cast<double>(m));
    var.push_back(static_cast<double>(squares / count));
  }
}

// kernels/norm.h's backward formulas in long double, with the kernel's own mean and invstd.
void reference_backward(const Doubles& x, const Doubles& g, const Doubles& mean, const Doubles& invstd,
                        const Doubles& weight, bool training, const Sizes& s, Doubles& dx, Doubles& dweight,
                        Doubles& dbias) {
  const auto count = static_cast<long double>(s.batch * s.inner);
  dx.assign(x.size(), 0.0);
  for (std::int64_t c = 0; c < s.channels; ++c) {
    const auto k = static_cast<std::size_t>(c);
    long double sum_g = 0, sum_gxhat = 0;
    for (std::int64_t n = 0; n < s.batch; ++n) {
      for (std::int64_t l = 0; l < s.inner; ++l) {
        sum_g += at(g, s, n, c, l);
        sum_gxhat += at(g, s, n, c, l) * ((at(x, s, n, c, l) - static_cast<long double>(mean[k])) * invstd[k]);
      }
    }
    dbias.push_back(static_cast<double>(sum_g));
    dweight.push_back(static_cast<double>(sum_gxhat));
    for (std::int64_t n = 0; n < s.batch; ++n) {
      for (std::int64_t l = 0; l < s.inner; ++l) {
        const long double xhat = (at(x, s, n, c, l) - static_cast<long double>(mean[k])) * invstd[k];
        long double d = at(g, s, n, c, l);
        if (training) d -= (sum_g + xhat * sum_gxhat) / count;
        dx[static_cast<std::size_t>((n * s.channels + c) * s.inner + l)] =
            static_cast<double>(static_cast<long double>(weight[k]) * invstd[k] * d);
      }
    }
  }
}

// mean, var, dweight and dbias are float64 sums rounded once to the dtype (2^-24 = 6e-8 in
// float32); out and dx are formed in the dtype from a few rounded coefficients.
Tol sums_tol(DType dtype) { return dtype == DType::f32 ? Tol{1e-9, 1.5e-7} : Tol{1e-13, 1e-13}; }
Tol map_tol(DType dtype) { return dtype == DType::f32 ? Tol{2e-6, 2e-6} : Tol{1e-13, 1e-13}; }

const Shape kShapes[] = {{5, 19},     {1, 33, 3},  {7, 21, 2, 2}, {7, 18, 4, 4},
                         {9, 17, 17}, {3, 5, 257}, {1, 3, 257},   {300, 37}};

class BatchNormKernels : public ::testing::TestWithParam<DType> {};

TEST_P(BatchNormKernels, StatisticsAndBackwardMatchLongDoubleLoops) {
  const DType dtype = GetParam();
  for (const Shape& shape : kShapes) {
    for (double offset : {0.0, 1000.0}) {  // 1000: a mean far from zero against a spread of ~1
      SCOPED_TRACE(shape.to_string() + " offset " + std::to_string(offset));
      const Sizes s = sizes_of(shape);
      Rng rng(static_cast<std::uint64_t>(shape.numel()));
      Doubles x_values = randn(shape, rng, DType::f64).to_vector<double>();
      for (double& v : x_values) v += offset;
      const Tensor x = Tensor::from_doubles(x_values, shape, dtype), g = randn(shape, rng, dtype);
      const Tensor weight = randn({s.channels}, rng, dtype), bias = randn({s.channels}, rng, dtype);
      const Doubles xs = x.to_vector<double>(), gs = g.to_vector<double>(), ws = weight.to_vector<double>();

      Tensor mean = Tensor::empty({s.channels}, dtype), var = Tensor::empty({s.channels}, dtype);
      batch_norm_stats(x.view(), mean.mut_view(), var.mut_view());
      Doubles ref_mean, ref_var;
      reference_stats(xs, s, ref_mean, ref_var);
      EXPECT_CLOSE(mean, Tensor::from_doubles(ref_mean, {s.channels}, DType::f64), sums_tol(dtype));
      EXPECT_CLOSE(var, Tensor::from_doubles(ref_var, {s.channels}, DType::f64), sums_tol(dtype));

      Doubles invstd_values = var.to_vector<double>();
      for (double& v : invstd_values) v = 1.0 / std::sqrt(v + 1e-5);
      const Tensor invstd = Tensor::from_doubles(invstd_values, {s.channels}, dtype);
      const Doubles ms = mean.to_vector<double>(), is = invstd.to_vector<double>();

      // out = (x - mean) * invstd * weight + bias
      Tensor out = Tensor::empty(shape, dtype);
      batch_norm_forward(x.view(), mean.view(), invstd.view(), weight.view(), bias.view(), out.mut_view());
      Doubles ref_out(xs.size());
      const Doubles bs = bias.to_vector<double>();
      for (std::size_t i = 0; i < xs.size(); ++i) {
        const auto c = static_cast<std::size_t>((static_cast<std::int64_t>(i) / s.inner) % s.channels);
        ref_out[i] = (xs[i] - ms[c]) * is[c] * ws[c] + bs[c];
      }
      // out = x * scale + (bias - mean * scale), as PyTorch's CPU kernel: the two terms cancel
      // ~mean * scale, so the error grows with the offset.
      const Tol out_tol{map_tol(dtype).atol * (1.0 + offset), map_tol(dtype).rtol};
      EXPECT_CLOSE(out, Tensor::from_doubles(ref_out, shape, DType::f64), out_tol);

      for (bool training : {true, false}) {
        SCOPED_TRACE(training ? "training" : "eval");
        Tensor dx = Tensor::empty(shape, dtype);
        Tensor dweight = Tensor::empty({s.channels}, dtype), dbias = Tensor::empty({s.channels}, dtype);
        batch_norm_backward(x.view(), g.view(), mean.view(), invstd.view(), weight.view(), training, dx.mut_view(),
                            dweight.mut_view(), dbias.mut_view());
        Doubles ref_dx, ref_dweight, ref_dbias;
        reference_backward(xs, gs, ms, is, ws, training, s, ref_dx, ref_dweight, ref_dbias);
        EXPECT_CLOSE(dx, Tensor::from_doubles(ref_dx, shape, DType::f64), map_tol(dtype));
        EXPECT_CLOSE(dweight, Tensor::from_doubles(ref_dweight, {s.channels}, DType::f64), sums_tol(dtype));
        EXPECT_CLOSE(dbias, Tensor::from_doubles(ref_dbias, {s.channels}, DType::f64), sums_tol(dtype));
      }
    }
  }
}

// Threads split the channels and never a channel's sum, so every bit repeats on any thread count.
TEST_P(BatchNormKernels, SameBitsOnAnyThreadCount) {
  const DType dtype = GetParam();
  const int threads = num_threads();
  for (const Shape& shape : {Shape{8, 19, 257}, Shape{1024, 37}, Shape{512, 70, 2, 2}}) {
    SCOPED_TRACE(shape.to_string());
    const std::int64_t channels = shape[1];
    Rng rng(3);
    const Tensor x = randn(shape, rng, dtype), g = randn(shape, rng, dtype);
    const Tensor weight = randn({channels}, rng, dtype),
                 invstd = Tensor::from_doubles(Doubles(channels, 0.7), {channels}, dtype);
    std::vector<Tensor> results[2];
    for (int run = 0; run < 2; ++run) {
      set_num_threads(run == 0 ? 1 : std::max(threads, 2));
      Tensor mean = Tensor::empty({channels}, dtype), var = Tensor::empty({channels}, dtype);
      Tensor dx = Tensor::empty(shape, dtype), dweight = Tensor::empty({channels}, dtype);
      batch_norm_stats(x.view(), mean.mut_view(), var.mut_view());
      batch_norm_backward(x.view(), g.view(), mean.view(), invstd.view(), weight.view(), true, dx.mut_view(),
                          dweight.mut_view(), MutView{});
      results[run] = {mean, var, dx, dweight};
    }
    set_num_threads(threads);
    for (std::size_t i = 0; i < results[0].size(); ++i) expect_equal(results[1][i], results[0][i]);
  }
}

INSTANTIATE_TEST_SUITE_P(DTypes, BatchNormKernels, ::testing::Values(DType::f32, DType::f64),
                         [](const ::testing::TestParamInfo<DType>& p) { return std::string(dtype_name(p.param)); });

}  // namespace
}  // namespace nnlab::kernels
