#include "nnlab/tensor/view.h"

#include <algorithm>

#include "nnlab/core/check.h"

namespace nnlab::view {
namespace {

Shape infer_size(const Shape& requested, std::int64_t numel, const Shape& from) {
  Shape shape = requested;
  int infer_at = -1;
  std::int64_t known = 1;
  for (int i = 0; i < shape.rank(); ++i) {
    if (shape[i] == -1) {
      NNLAB_CHECK(infer_at < 0, ShapeError, "reshape: only one size may be -1, got {}", requested);
      infer_at = i;
    } else {
      NNLAB_CHECK(shape[i] >= 0, ShapeError, "reshape: sizes must be non-negative or -1, got {}", requested);
      known *= shape[i];
    }
  }
  if (infer_at >= 0) {
    NNLAB_CHECK(known != 0 && numel % known == 0, ShapeError, "reshape: cannot reshape {} ({} elements) into {}",
                from, numel, requested);
    shape[infer_at] = numel / known;
  }
  NNLAB_CHECK(shape.numel() == numel, ShapeError, "reshape: cannot reshape {} ({} elements) into {}", from, numel,
              requested);
  return shape;
}

// Strides for viewing (old shape, old strides) as `shape` without a copy, or false if the
// layout does not allow it. Mirrors PyTorch's computeStride: groups of old dims that are
// contiguous among themselves can be re-split freely.
bool view_strides(const Shape& old_shape, const Shape& old_strides, const Shape& shape, Shape& strides) {
  strides = Shape::filled(shape.rank(), 1);
  if (old_shape.numel() == 0) {
    strides = contiguous_strides(shape);
    return true;
  }
  int view_d = shape.rank() - 1;
  std::int64_t chunk_base_stride = old_strides.rank() ? old_strides[old_strides.rank() - 1] : 1;
  std::int64_t tensor_numel = 1, view_numel = 1;
  for (int tensor_d = old_shape.rank() - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_shape[tensor_d];
    if (tensor_d == 0 || (old_shape[tensor_d - 1] != 1 &&
                          old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

}  // namespace

Tensor reshape(const Tensor& t, const Shape& requested) {
  const Shape shape = infer_size(requested, t.numel(), t.shape());
  if (t.is_contiguous()) return Tensor::make_view(t, shape, contiguous_strides(shape), t.offset());
  Shape strides;
  NNLAB_CHECK(view_strides(t.shape(), t.strides(), shape, strides), ShapeError,
              "reshape: a tensor of shape {} with strides {} cannot be viewed as {}; make it contiguous first",
              t.shape(), t.strides(), shape);
  return Tensor::make_view(t, shape, strides, t.offset());
}

Tensor transpose(const Tensor& t, std::int64_t dim0, std::int64_t dim1) {
  const int a = normalize_dim(dim0, t.dim(), "transpose");
  const int b = normalize_dim(dim1, t.dim(), "transpose");
  Shape shape = t.shape(), strides = t.strides();
  if (t.dim() == 0) return t.detach();
  std::swap(shape[a], shape[b]);
  std::swap(strides[a], strides[b]);
  return Tensor::make_view(t, shape, strides, t.offset());
}

Tensor permute(const Tensor& t, const Shape& order) {
  NNLAB_CHECK(order.rank() == t.dim(), ShapeError, "permute: expected {} dims in the order, got {}", t.dim(), order);
  Shape shape = t.shape(), strides = t.strides();
  std::array<bool, kMaxDims> seen{};
  for (int i = 0; i < order.rank(); ++i) {
    const int d = normalize_dim(order[i], t.dim(), "permute");
    NNLAB_CHECK(!seen[d], ShapeError, "permute: dim {} appears twice in {}", d, order);
    seen[d] = true;
    shape[i] = t.shape()[d];
    strides[i] = t.strides()[d];
  }
  return Tensor::make_view(t, shape, strides, t.offset());
}

Tensor narrow(const Tensor& t, std::int64_t dim, std::int64_t start, std::int64_t length) {
  const int d = normalize_dim(dim, t.dim(), "narrow");
  const std::int64_t size = t.shape()[d];
  if (start < 0) start += size;
  NNLAB_CHECK(start >= 0 && length >= 0 && start + length <= size, ShapeError,
              "narrow: range [{}, {}) is outside dim {} of size {} (shape {})", start, start + length, d, size,
              t.shape());
  Shape shape = t.shape();
  shape[d] = length;
  return Tensor::make_view(t, shape, t.strides(), t.offset() + start * t.strides()[d]);
}

Tensor select(const Tensor& t, std::int64_t dim, std::int64_t index) {
  const int d = normalize_dim(dim, t.dim(), "select");
  const std::int64_t size = t.shape()[d];
  NNLAB_CHECK(index >= -size && index < size, ShapeError, "select: index {} is out of range for dim {} of size {}",
              index, d, size);
  if (index < 0) index += size;
  Shape shape = t.shape(), strides = t.strides();
  shape.erase(d);
  strides.erase(d);
  return Tensor::make_view(t, shape, strides, t.offset() + index * t.strides()[d]);
}

Tensor squeeze(const Tensor& t, std::int64_t dim) {
  if (t.dim() == 0) return t.detach();
  const int d = normalize_dim(dim, t.dim(), "squeeze");
  if (t.shape()[d] != 1) return t.detach();  // PyTorch leaves other sizes alone
  Shape shape = t.shape(), strides = t.strides();
  shape.erase(d);
  strides.erase(d);
  return Tensor::make_view(t, shape, strides, t.offset());
}

Tensor squeeze_all(const Tensor& t) {
  Shape shape, strides;
  for (int d = 0; d < t.dim(); ++d) {
    if (t.shape()[d] == 1) continue;
    shape.push_back(t.shape()[d]);
    strides.push_back(t.strides()[d]);
  }
  return Tensor::make_view(t, shape, strides, t.offset());
}

Tensor unsqueeze(const Tensor& t, std::int64_t dim) {
  const int d = normalize_dim(dim, t.dim() + 1, "unsqueeze");
  Shape shape = t.shape(), strides = t.strides();
  const std::int64_t stride = d < t.dim() ? t.shape()[d] * t.strides()[d] : 1;
  shape.insert(d, 1);
  strides.insert(d, stride);
  return Tensor::make_view(t, shape, strides, t.offset());
}

Tensor expand(const Tensor& t, const Shape& shape) {
  NNLAB_CHECK(shape.rank() >= t.dim(), ShapeError, "expand: cannot expand {} to fewer dims {}", t.shape(), shape);
  Shape strides = Shape::filled(shape.rank(), 0);
  const int lead = shape.rank() - t.dim();
  for (int i = 0; i < t.dim(); ++i) {
    const std::int64_t from = t.shape()[i], to = shape[lead + i];
    NNLAB_CHECK(from == to || from == 1, ShapeError, "expand: cannot expand {} to {} (dim {} has size {}, not 1)",
                t.shape(), shape, i, from);
    strides[lead + i] = from == to ? t.strides()[i] : 0;
  }
  return Tensor::make_view(t, shape, strides, t.offset());
}

Tensor flatten(const Tensor& t, std::int64_t start_dim, std::int64_t end_dim) {
  if (t.dim() == 0) return reshape(t, Shape{1});
  const int s = normalize_dim(start_dim, t.dim(), "flatten");
  const int e = normalize_dim(end_dim, t.dim(), "flatten");
  NNLAB_CHECK(s <= e, ShapeError, "flatten: start_dim {} comes after end_dim {}", s, e);
  Shape shape;
  for (int i = 0; i < s; ++i) shape.push_back(t.shape()[i]);
  std::int64_t merged = 1;
  for (int i = s; i <= e; ++i) merged *= t.shape()[i];
  shape.push_back(merged);
  for (int i = e + 1; i < t.dim(); ++i) shape.push_back(t.shape()[i]);
  return reshape(t, shape);
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* where) {
  const int rank = std::max(a.rank(), b.rank());
  Shape out = Shape::filled(rank, 1);
  for (int i = 0; i < rank; ++i) {
    const int ia = i - (rank - a.rank()), ib = i - (rank - b.rank());
    const std::int64_t sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
    NNLAB_CHECK(sa == sb || sa == 1 || sb == 1, ShapeError,
                "{}: shapes {} and {} cannot be broadcast (sizes {} and {} at dim {})", where, a, b, sa, sb, i);
    out[i] = sa == 1 ? sb : sa;
  }
  return out;
}

}  // namespace nnlab::view
