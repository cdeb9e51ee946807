// Gather / scatter_add and index_select / index_add on CPU. Legend: index has the output's
// shape (gather) or is 1-D of length n (index_select); a contiguous x is (outer, size, inner)
// around dim, and out (outer, n, inner).
#include "nnlab/kernels/indexing.h"

#include <algorithm>

#include "nnlab/core/strided_loop.h"
#include "nnlab/kernels/cpu/dispatch_any.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

using cpu::kElementwiseGrain;

std::int64_t row_grain(std::int64_t row_length) {
  return std::max<std::int64_t>(1, kElementwiseGrain / std::max<std::int64_t>(row_length, 1));
}

// Strides of x with dim's set to 0: walking index's shape with them gives the offset of
// every element's row in x; index[i] * x.strides[dim] then picks the element.
Shape without_dim_stride(const Shape& strides, int dim) {
  Shape out = strides;
  out[dim] = 0;
  return out;
}

Shape moved_to_back(const Shape& shape, int dim) {
  Shape out = shape;
  out.erase(dim);
  out.push_back(shape[dim]);
  return out;
}

// out[i] = x_rows[i] + index[i] * step, over index's shape: (out, index, x rows) layout.
template <typename T>
void gather_typed(const ConstView& x, int dim, const ConstView& index, const MutView& out) {
  const Shape x_rows = without_dim_stride(x.strides, dim);
  const StridedLayout<3> layout = make_strided_layout<3>(index.shape, {&out.strides, &index.strides, &x_rows});
  const std::int64_t step = x.strides[dim];
  const std::int64_t so = layout.inner_stride(0), si = layout.inner_stride(1), sx = layout.inner_stride(2);
  const T* px = x.ptr<T>();
  const std::int64_t* pi = index.ptr<std::int64_t>();
  T* po = out.ptr<T>();
  parallel_for(0, layout.rows(), row_grain(layout.inner_size()), [&](std::int64_t begin, std::int64_t end) {
    for_each_row(layout, begin, end, [&](const std::array<std::int64_t, 3>& off, std::int64_t count) {
      T* o = po + off[0];
      const std::int64_t* ix = pi + off[1];
      const T* xr = px + off[2];
      for (std::int64_t k = 0; k < count; ++k) o[k * so] = xr[k * sx + ix[k * si] * step];
    });
  });
}

// dim is moved innermost, so each row of the walk holds every element that can land on one
// run of dx: rows never share a target (threads need no locks) and each target sums its
// sources in index order.
template <typename T>
void scatter_add_typed(const MutView& dx, int dim, const ConstView& index, const ConstView& src) {
  const Shape shape = moved_to_back(index.shape, dim);
  const Shape dx_rows = moved_to_back(without_dim_stride(dx.strides, dim), dim);
  const Shape index_strides = moved_to_back(index.strides, dim);
  const Shape src_strides = moved_to_back(src.strides, dim);
  const StridedLayout<3> layout = make_strided_layout<3>(shape, {&dx_rows, &index_strides, &src_strides});
  const std::int64_t step = dx.strides[dim];
  const std::int64_t sd = layout.inner_stride(0), si = layout.inner_stride(1), ss = layout.inner_stride(2);
  T* pd = dx.ptr<T>();
  const std::int64_t* pi = index.ptr<std::int64_t>();
  const T* ps = src.ptr<T>();
  parallel_for(0, layout.rows(), row_grain(layout.inner_size()), [&](std::int64_t begin, std::int64_t end) {
    for_each_row(layout, begin, end, [&](const std::array<std::int64_t, 3>& off, std::int64_t count) {
      T* d = pd + off[0];
      const std::int64_t* ix = pi + off[1];
      const T* s = ps + off[2];
      for (std::int64_t k = 0; k < count; ++k) d[k * sd + ix[k * si] * step] += s[k * ss];
    });
  });
}

struct Blocks {
  std::int64_t outer = 1, size = 1, inner = 1;
};

Blocks blocks_around(const Shape& shape, int dim) {
  Blocks b;
  for (int d = 0; d < dim; ++d) b.outer *= shape[d];
  b.size = shape[dim];
  for (int d = dim + 1; d < shape.rank(); ++d) b.inner *= shape[d];
  return b;
}

// out (outer, n, inner): row (o, j) is a copy of x's row (o, index[j]).
template <typename T>
void index_select_contiguous(const ConstView& x, int dim, const ConstView& index, const MutView& out) {
  const Blocks b = blocks_around(x.shape, dim);
  const std::int64_t n = index.shape[0], step = index.strides[0];
  const T* px = x.ptr<T>();
  const std::int64_t* pi = index.ptr<std::int64_t>();
  T* po = out.ptr<T>();
  parallel_for(0, b.outer * n, row_grain(b.inner), [&](std::int64_t begin, std::int64_t end) {
    if (b.outer == 1 && b.inner == 1) {  // a batch of scalars (targets, 1-D inputs): a plain gather
      for (std::int64_t r = begin; r < end; ++r) po[r] = px[pi[r * step]];
      return;
    }
    std::int64_t o = begin / n, j = begin % n;
    for (std::int64_t r = begin; r < end; ++r) {
      const T* from = px + (o * b.size + pi[j * step]) * b.inner;
      if (b.inner == 1) {  // one element per row (a batch of scalars): no copy call
        po[r] = *from;
      } else {
        std::copy_n(from, b.inner, po + r * b.inner);
      }
      if (++j == n) {
        j = 0;
        ++o;
      }
    }
  });
}

// dx (outer, size, inner) += src (outer, n, inner) routed by index. Threads split the
// (outer, inner) columns, so no two touch one element; each column adds j = 0..n-1 in order.
template <typename T>
void index_add_typed(const MutView& dx, int dim, const ConstView& index, const ConstView& src) {
  const Blocks b = blocks_around(dx.shape, dim);
  const std::int64_t n = index.shape[0], step = index.strides[0];
  T* pd = dx.ptr<T>();
  const std::int64_t* pi = index.ptr<std::int64_t>();
  const T* ps = src.ptr<T>();
  parallel_for(0, b.outer * b.inner, row_grain(n), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t o = begin / b.inner; o * b.inner < end; ++o) {
      const std::int64_t lo = std::max(begin, o * b.inner) - o * b.inner;
      const std::int64_t hi = std::min(end, (o + 1) * b.inner) - o * b.inner;
      for (std::int64_t j = 0; j < n; ++j) {
        T* d = pd + (o * b.size + pi[j * step]) * b.inner;
        const T* s = ps + (o * n + j) * b.inner;
        for (std::int64_t i = lo; i < hi; ++i) d[i] += s[i];
      }
    }
  });
}

}  // namespace

std::optional<std::int64_t> first_out_of_range(const ConstView& index, std::int64_t size) {
  const StridedLayout<1> layout = make_strided_layout<1>(index.shape, {&index.strides});
  const std::int64_t step = layout.inner_stride(0);
  const std::int64_t* pi = index.ptr<std::int64_t>();
  std::optional<std::int64_t> bad;
  for_each_row(layout, 0, layout.rows(), [&](const std::array<std::int64_t, 1>& off, std::int64_t count) {
    if (bad) return;
    // A branch-free scan first (it vectorises; as unsigned, a negative value is out of range too),
    // then the search for the first bad value only in a row that has one.
    bool any = false;
    for (std::int64_t k = 0; k < count; ++k) {
      any |= static_cast<std::uint64_t>(pi[off[0] + k * step]) >= static_cast<std::uint64_t>(size);
    }
    for (std::int64_t k = 0; any && k < count && !bad; ++k) {
      const std::int64_t value = pi[off[0] + k * step];
      if (value < 0 || value >= size) bad = value;
    }
  });
  return bad;
}

void gather_forward(const ConstView& x, int dim, const ConstView& index, const MutView& out) {
  NNLAB_DCHECK(index.shape == out.shape && index.shape.rank() == x.shape.rank());
  cpu::dispatch_any(x.dtype, [&]<typename T>() { gather_typed<T>(x, dim, index, out); });
}

void scatter_add(const MutView& dx, int dim, const ConstView& index, const ConstView& src) {
  NNLAB_DCHECK(index.shape == src.shape && index.shape.rank() == dx.shape.rank());
  cpu::dispatch_any(dx.dtype, [&]<typename T>() { scatter_add_typed<T>(dx, dim, index, src); });
}

void index_select_forward(const ConstView& x, int dim, const ConstView& index, const MutView& out) {
  NNLAB_DCHECK(out.is_contiguous() && index.shape.rank() == 1 && out.shape[dim] == index.shape[0]);
  if (x.is_contiguous()) {
    return cpu::dispatch_any(x.dtype, [&]<typename T>() { index_select_contiguous<T>(x, dim, index, out); });
  }
  // Any other layout: a gather whose index is the 1-D one broadcast to out's shape.
  Shape strides = Shape::filled(out.shape.rank(), 0);
  strides[dim] = index.strides[0];
  const ConstView spread{index.data, DType::i64, out.shape, strides};
  gather_forward(x, dim, spread, out);
}

void index_add(const MutView& dx, int dim, const ConstView& index, const ConstView& src) {
  NNLAB_DCHECK(dx.is_contiguous() && src.is_contiguous() && index.shape.rank() == 1);
  cpu::dispatch_any(dx.dtype, [&]<typename T>() { index_add_typed<T>(dx, dim, index, src); });
}

}  // namespace nnlab::kernels
