// where on CPU: one strided walk over (out, condition, a, b), any dtypes.
#include "nnlab/kernels/where.h"

#include <algorithm>

#include "nnlab/core/strided_loop.h"
#include "nnlab/kernels/cpu/dispatch_any.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

template <typename C, typename T>
void where_typed(const ConstView& condition, const ConstView& a, const ConstView& b, const MutView& out) {
  const StridedLayout<4> layout =
      make_strided_layout<4>(out.shape, {&out.strides, &condition.strides, &a.strides, &b.strides});
  const std::int64_t so = layout.inner_stride(0), sc = layout.inner_stride(1);
  const std::int64_t sa = layout.inner_stride(2), sb = layout.inner_stride(3);
  const C* pc = condition.ptr<C>();
  const T* pa = a.ptr<T>();
  const T* pb = b.ptr<T>();
  T* po = out.ptr<T>();
  const std::int64_t grain =
      std::max<std::int64_t>(1, cpu::kElementwiseGrain / std::max<std::int64_t>(layout.inner_size(), 1));
  parallel_for(0, layout.rows(), grain, [&](std::int64_t begin, std::int64_t end) {
    for_each_row(layout, begin, end, [&](const std::array<std::int64_t, 4>& off, std::int64_t count) {
      T* o = po + off[0];
      const C* c = pc + off[1];
      const T* x = pa + off[2];
      const T* y = pb + off[3];
      for (std::int64_t k = 0; k < count; ++k) o[k * so] = c[k * sc] != C(0) ? x[k * sa] : y[k * sb];
    });
  });
}

}  // namespace

void where_forward(const ConstView& condition, const ConstView& a, const ConstView& b, const MutView& out) {
  NNLAB_DCHECK(condition.shape == out.shape && a.shape == out.shape && b.shape == out.shape);
  cpu::dispatch_any(condition.dtype, [&]<typename C>() {
    cpu::dispatch_any(out.dtype, [&]<typename T>() { where_typed<C, T>(condition, a, b, out); });
  });
}

}  // namespace nnlab::kernels
