#pragma once
// Loop skeletons every elementwise kernel is built from. Contiguous loops are flat and
// vectorise; strided ones walk innermost runs (see core/strided_loop.h). Both split work
// across threads only above kElementwiseGrain elements.
#include <cstdint>

#include "nnlab/core/buffer_view.h"
#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/core/strided_loop.h"

namespace nnlab::kernels::cpu {

// Elements per thread, at least. Starting a 2-thread region costs a few us, more when the team
// has gone to sleep. Measured on 2 cores: W6's 50k-element ReLUs gain from two threads once its
// products are split too (each thread then finds its half of the rows in its own cache), while
// W1's 23.5k-element SGD updates lose 30 % at a grain of 2^14.
inline constexpr std::int64_t kElementwiseGrain = 1 << 15;

// out[i] = f(x[i]) for i < n.
template <typename T, typename F>
void map_contiguous(const T* x, T* out, std::int64_t n, const F& f) {
  parallel_for(0, n, kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) out[i] = f(x[i]);
  });
}

// out[i] = f(a[i], b[i]) for i < n.
template <typename T, typename F>
void zip_contiguous(const T* a, const T* b, T* out, std::int64_t n, const F& f) {
  parallel_for(0, n, kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) out[i] = f(a[i], b[i]);
  });
}

// out[i] = f(a[i], b[i], c[i]) for i < n.
template <typename T, typename F>
void zip3_contiguous(const T* a, const T* b, const T* c, T* out, std::int64_t n, const F& f) {
  parallel_for(0, n, kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) out[i] = f(a[i], b[i], c[i]);
  });
}

// out = f(a, b) where a and b have out's shape with any strides (0 where broadcast).
// Fast paths for the common layouts: both contiguous, and one side a single value.
template <typename T, typename F>
void zip_strided(const ConstView& a, const ConstView& b, const MutView& out, const F& f) {
  NNLAB_DCHECK(a.shape == out.shape && b.shape == out.shape);
  const T* pa = a.ptr<T>();
  const T* pb = b.ptr<T>();
  T* po = out.ptr<T>();
  if (out.numel() == 1) {  // a scalar computation (W7's Rosenbrock): no layout to work out
    *po = f(*pa, *pb);
    return;
  }
  const Shape& sa = a.strides;
  const Shape& sb = b.strides;
  const Shape& so = out.strides;
  const StridedLayout<3> layout = make_strided_layout<3>(out.shape, {&so, &sa, &sb});
  const std::int64_t io = layout.inner_stride(0), ia = layout.inner_stride(1), ib = layout.inner_stride(2);
  if (layout.rank <= 1 && io == 1) {
    const std::int64_t n = out.numel();
    if (ia == 1 && ib == 1) return zip_contiguous(pa, pb, po, n, f);
    if (ia == 1 && ib == 0) return map_contiguous(pa, po, n, [&, v = *pb](T x) { return f(x, v); });
    if (ia == 0 && ib == 1) return map_contiguous(pb, po, n, [&, v = *pa](T y) { return f(v, y); });
  }
  const std::int64_t row_grain = std::max<std::int64_t>(1, kElementwiseGrain / std::max<std::int64_t>(layout.inner_size(), 1));
  parallel_for(0, layout.rows(), row_grain, [&](std::int64_t begin, std::int64_t end) {
    for_each_row(layout, begin, end, [&](const std::array<std::int64_t, 3>& off, std::int64_t count) {
      T* o = po + off[0];
      const T* x = pa + off[1];
      const T* y = pb + off[2];
      if (io == 1 && ia == 1 && ib == 1) {
        for (std::int64_t k = 0; k < count; ++k) o[k] = f(x[k], y[k]);
      } else if (io == 1 && ia == 1 && ib == 0) {
        const T v = *y;
        for (std::int64_t k = 0; k < count; ++k) o[k] = f(x[k], v);
      } else if (io == 1 && ia == 0 && ib == 1) {
        const T v = *x;
        for (std::int64_t k = 0; k < count; ++k) o[k] = f(v, y[k]);
      } else {
        for (std::int64_t k = 0; k < count; ++k) o[k * io] = f(x[k * ia], y[k * ib]);
      }
    });
  });
}

// Calls body.template operator()<T>() with T the C++ type of a floating dtype.
template <typename Body>
void dispatch_floating(DType dtype, const Body& body) {
  switch (dtype) {
    case DType::f32: return body.template operator()<float>();
    case DType::f64: return body.template operator()<double>();
    case DType::i64: break;
  }
  NNLAB_UNREACHABLE("kernels: integer dtype reached a floating-point kernel");
}

}  // namespace nnlab::kernels::cpu
