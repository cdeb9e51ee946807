#include "nnlab/tensor/creation.h"

#include <cmath>

#include "nnlab/core/check.h"

namespace nnlab {
namespace {

template <typename Fill>
Tensor random_tensor(const Shape& shape, DType dtype, const char* where, const Fill& fill) {
  Tensor t = Tensor::empty(shape, dtype);
  switch (dtype) {
    case DType::f32: fill(std::span<float>(t.data<float>(), static_cast<std::size_t>(t.numel()))); break;
    case DType::f64: fill(std::span<double>(t.data<double>(), static_cast<std::size_t>(t.numel()))); break;
    case DType::i64: NNLAB_CHECK(false, DTypeError, "{}: expected float32 or float64, got int64", where);
  }
  return t;
}

}  // namespace

Tensor arange(double start, double end, double step, DType dtype) {
  NNLAB_CHECK(step != 0.0, ValueError, "arange: step must be non-zero");
  const double span = (end - start) / step;
  const auto n = static_cast<std::int64_t>(std::max(0.0, std::ceil(span)));
  std::vector<double> values(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) values[i] = start + static_cast<double>(i) * step;
  return Tensor::from_doubles(values, Shape{n}, dtype);
}

Tensor linspace(double start, double end, std::int64_t steps, DType dtype) {
  NNLAB_CHECK(steps >= 0, ValueError, "linspace: steps must be non-negative, got {}", steps);
  std::vector<double> values(static_cast<std::size_t>(steps));
  const double delta = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
  // Fill from both ends, as torch does, so the last value is exactly `end`.
  for (std::int64_t i = 0; i < steps; ++i) {
    values[i] = i < steps / 2 ? start + delta * static_cast<double>(i)
                              : end - delta * static_cast<double>(steps - 1 - i);
  }
  return Tensor::from_doubles(values, Shape{steps}, dtype);
}

Tensor rand(const Shape& shape, Rng& rng, DType dtype) { return uniform(shape, 0.0, 1.0, rng, dtype); }
Tensor randn(const Shape& shape, Rng& rng, DType dtype) { return normal(shape, 0.0, 1.0, rng, dtype); }

Tensor uniform(const Shape& shape, double low, double high, Rng& rng, DType dtype) {
  NNLAB_CHECK(low <= high, ValueError, "uniform: low must not exceed high, got low={} high={}", low, high);
  return random_tensor(shape, dtype, "uniform", [&](auto span) { rng.fill_uniform(span, low, high); });
}

Tensor normal(const Shape& shape, double mean, double stddev, Rng& rng, DType dtype) {
  NNLAB_CHECK(stddev >= 0.0, ValueError, "normal: stddev must be non-negative, got {}", stddev);
  return random_tensor(shape, dtype, "normal", [&](auto span) { rng.fill_normal(span, mean, stddev); });
}

Tensor bernoulli(const Shape& shape, double p, Rng& rng, DType dtype) {
  NNLAB_CHECK(p >= 0.0 && p <= 1.0, ValueError, "bernoulli: p must be in [0, 1], got {}", p);
  return random_tensor(shape, dtype, "bernoulli", [&](auto span) { rng.fill_bernoulli(span, p); });
}

Tensor randperm(std::int64_t n, Rng& rng) {
  NNLAB_CHECK(n >= 0, ValueError, "randperm: n must be non-negative, got {}", n);
  return Tensor::from_vector(rng.permutation(n), Shape{n});
}

Tensor empty_like(const Tensor& t) { return Tensor::empty(t.shape(), t.dtype()); }
Tensor zeros_like(const Tensor& t) { return Tensor::zeros(t.shape(), t.dtype()); }
Tensor ones_like(const Tensor& t) { return Tensor::ones(t.shape(), t.dtype()); }
Tensor full_like(const Tensor& t, double value) { return Tensor::full(t.shape(), value, t.dtype()); }

}  // namespace nnlab
