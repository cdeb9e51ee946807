// The naive reduction twins: every element of x visited once in row-major order, float64
// throughout, one thread. The oracle the blocked kernels in reduce.cpp are tested against.
#include <cmath>
#include <limits>
#include <vector>

#include "nnlab/kernels/cpu/loops.h"
#include "nnlab/kernels/cpu/reduce_layout.h"
#include "nnlab/kernels/reduce.h"

namespace nnlab::kernels {
namespace {

// Calls fn(value, k, r) for each element of x in row-major order: k is the output element it
// reduces into, r its position among the reduced elements (row-major over the reduced dims).
template <typename T, typename Fn>
void for_each_element(const ConstView& x, const Shape& out, const Fn& fn) {
  const Shape out_strides = contiguous_strides(out);
  const int rank = x.shape.rank();
  std::int64_t index[kMaxDims] = {};
  for (std::int64_t i = 0; i < x.numel(); ++i) {
    std::int64_t offset = 0, k = 0, r = 0;
    for (int d = 0; d < rank; ++d) {
      offset += index[d] * x.strides[d];
      if (cpu::is_reduced_dim(x.shape, out, d)) {
        r = r * x.shape[d] + index[d];
      } else {
        k += index[d] * out_strides[d];
      }
    }
    fn(static_cast<double>(x.ptr<T>()[offset]), k, r);
    for (int d = rank - 1; d >= 0; --d) {
      if (++index[d] < x.shape[d]) break;
      index[d] = 0;
    }
  }
}

template <typename T>
void write(const std::vector<double>& values, const MutView& out) {
  for (std::size_t k = 0; k < values.size(); ++k) out.ptr<T>()[k] = static_cast<T>(values[k]);
}

template <typename T>
void sum_reference_typed(const ConstView& x, const MutView& out) {
  std::vector<double> sums(static_cast<std::size_t>(out.numel()), 0.0);
  for_each_element<T>(x, out.shape, [&](double v, std::int64_t k, std::int64_t) { sums[k] += v; });
  write<T>(sums, out);
}

template <typename T>
void var_reference_typed(const ConstView& x, std::int64_t correction, const MutView& out) {
  const auto size = static_cast<std::size_t>(out.numel());
  std::vector<double> means(size, 0.0), squares(size, 0.0);
  const std::int64_t count = cpu::reduced_count(x.shape, out.shape);
  for_each_element<T>(x, out.shape, [&](double v, std::int64_t k, std::int64_t) { means[k] += v / count; });
  for_each_element<T>(x, out.shape, [&](double v, std::int64_t k, std::int64_t) {
    squares[k] += (v - means[k]) * (v - means[k]);
  });
  const double divisor = static_cast<double>(std::max<std::int64_t>(count - correction, 0));
  for (double& s : squares) s = count == 0 ? std::numeric_limits<double>::quiet_NaN() : s / divisor;
  write<T>(squares, out);
}

template <typename T>
void extremum_reference_typed(Extremum op, const ConstView& x, const MutView& values, const MutView& indices) {
  const auto size = static_cast<std::size_t>(indices.numel());
  std::vector<double> best(size, 0.0);
  for_each_element<T>(x, indices.shape, [&](double v, std::int64_t k, std::int64_t r) {
    const bool beyond = op == Extremum::max ? v > best[k] : v < best[k];
    if (r == 0 || beyond || (std::isnan(v) && !std::isnan(best[k]))) {
      best[k] = v;
      indices.ptr<std::int64_t>()[k] = r;
    }
  });
  if (values.data != nullptr) write<T>(best, values);
}

}  // namespace

void sum_forward_reference(const ConstView& x, const MutView& out) {
  cpu::dispatch_floating(out.dtype, [&]<typename T>() { sum_reference_typed<T>(x, out); });
}

void var_forward_reference(const ConstView& x, std::int64_t correction, const MutView& out) {
  cpu::dispatch_floating(out.dtype, [&]<typename T>() { var_reference_typed<T>(x, correction, out); });
}

void extremum_forward_reference(Extremum op, const ConstView& x, const MutView& values, const MutView& indices) {
  cpu::dispatch_floating(x.dtype, [&]<typename T>() { extremum_reference_typed<T>(op, x, values, indices); });
}

}  // namespace nnlab::kernels
