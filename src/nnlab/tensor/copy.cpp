#include "nnlab/tensor/copy.h"

#include <cstring>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/core/replay.h"
#include "nnlab/core/strided_loop.h"
#include "nnlab/tensor/view.h"

namespace nnlab {
namespace {

constexpr std::int64_t kCopyGrain = 1 << 15;  // elements; below this one thread is faster

template <typename To, typename From>
void strided_copy(const Tensor& dst, const Tensor& src) {
  To* out = static_cast<To*>(dst.data_ptr());
  const From* in = static_cast<const From*>(src.data_ptr());
  const Shape& dst_strides = dst.strides();
  const Shape& src_strides = src.strides();
  const StridedLayout<2> layout = make_strided_layout<2>(dst.shape(), {&dst_strides, &src_strides});
  const std::int64_t so = layout.inner_stride(0), si = layout.inner_stride(1);
  const std::int64_t row_grain = std::max<std::int64_t>(1, kCopyGrain / std::max<std::int64_t>(layout.inner_size(), 1));
  parallel_for(0, layout.rows(), row_grain, [&](std::int64_t begin, std::int64_t end) {
    for_each_row(layout, begin, end, [&](const std::array<std::int64_t, 2>& off, std::int64_t count) {
      To* o = out + off[0];
      const From* i = in + off[1];
      if (so == 1 && si == 1) {
        for (std::int64_t k = 0; k < count; ++k) o[k] = static_cast<To>(i[k]);
      } else {
        for (std::int64_t k = 0; k < count; ++k) o[k * so] = static_cast<To>(i[k * si]);
      }
    });
  });
}

template <typename To>
void copy_from(const Tensor& dst, const Tensor& src) {
  switch (src.dtype()) {
    case DType::f32: return strided_copy<To, float>(dst, src);
    case DType::f64: return strided_copy<To, double>(dst, src);
    case DType::i64: return strided_copy<To, std::int64_t>(dst, src);
  }
}

}  // namespace

void copy_into(const Tensor& dst, const Tensor& src) {
  if (replay::Recording* recording = replay::active()) recording->add([dst, src] { copy_into(dst, src); });
  const Tensor source = src.shape() == dst.shape() ? src : view::expand(src, dst.shape());
  if (dst.numel() == 0) return;
  if (dst.dtype() == source.dtype() && dst.is_contiguous() && source.is_contiguous()) {
    std::memcpy(dst.data_ptr(), source.data_ptr(), static_cast<std::size_t>(dst.numel()) * dtype_size(dst.dtype()));
    return;
  }
  switch (dst.dtype()) {
    case DType::f32: return copy_from<float>(dst, source);
    case DType::f64: return copy_from<double>(dst, source);
    case DType::i64: return copy_from<std::int64_t>(dst, source);
  }
}

Tensor contiguous(const Tensor& t) {
  if (t.is_contiguous()) return t;
  return clone(t);
}

Tensor clone(const Tensor& t) {
  Tensor out = Tensor::empty(t.shape(), t.dtype());
  copy_into(out, t);
  return out;
}

Tensor to_dtype(const Tensor& t, DType dtype) {
  if (t.dtype() == dtype) return t;
  Tensor out = Tensor::empty(t.shape(), dtype);
  copy_into(out, t);
  return out;
}

}  // namespace nnlab
