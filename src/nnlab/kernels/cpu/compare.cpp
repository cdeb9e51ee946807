// Comparisons on CPU: one strided walk over (out, a, b), inputs of any dtype, int64 out.
#include "nnlab/kernels/compare.h"

#include <algorithm>
#include <functional>

#include "nnlab/core/strided_loop.h"
#include "nnlab/kernels/cpu/dispatch_any.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

template <typename T, typename Cmp>
void compare_typed(const ConstView& a, const ConstView& b, const MutView& out, Cmp cmp) {
  const StridedLayout<3> layout = make_strided_layout<3>(out.shape, {&out.strides, &a.strides, &b.strides});
  const std::int64_t so = layout.inner_stride(0), sa = layout.inner_stride(1), sb = layout.inner_stride(2);
  const T* pa = a.ptr<T>();
  const T* pb = b.ptr<T>();
  std::int64_t* po = out.ptr<std::int64_t>();
  const std::int64_t grain =
      std::max<std::int64_t>(1, cpu::kElementwiseGrain / std::max<std::int64_t>(layout.inner_size(), 1));
  parallel_for(0, layout.rows(), grain, [&](std::int64_t begin, std::int64_t end) {
    for_each_row(layout, begin, end, [&](const std::array<std::int64_t, 3>& off, std::int64_t count) {
      std::int64_t* o = po + off[0];
      const T* x = pa + off[1];
      const T* y = pb + off[2];
      for (std::int64_t k = 0; k < count; ++k) o[k * so] = cmp(x[k * sa], y[k * sb]) ? 1 : 0;
    });
  });
}

}  // namespace

void compare_forward(CompareOp op, const ConstView& a, const ConstView& b, const MutView& out) {
  NNLAB_DCHECK(a.dtype == b.dtype && out.dtype == DType::i64 && a.shape == out.shape && b.shape == out.shape);
  cpu::dispatch_any(a.dtype, [&]<typename T>() {
    switch (op) {
      case CompareOp::eq: return compare_typed<T>(a, b, out, std::equal_to<T>());
      case CompareOp::ne: return compare_typed<T>(a, b, out, std::not_equal_to<T>());
      case CompareOp::lt: return compare_typed<T>(a, b, out, std::less<T>());
      case CompareOp::le: return compare_typed<T>(a, b, out, std::less_equal<T>());
      case CompareOp::gt: return compare_typed<T>(a, b, out, std::greater<T>());
      case CompareOp::ge: return compare_typed<T>(a, b, out, std::greater_equal<T>());
    }
  });
}

}  // namespace nnlab::kernels
