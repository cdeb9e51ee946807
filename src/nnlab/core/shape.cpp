#include "nnlab/core/shape.h"

#include "nnlab/core/check.h"
#include "nnlab/core/checked_arithmetic.h"

namespace nnlab {

Shape::Shape(std::initializer_list<std::int64_t> sizes)
    : Shape(std::span<const std::int64_t>(sizes.begin(), sizes.size())) {}

Shape::Shape(std::span<const std::int64_t> sizes) {
  NNLAB_CHECK(sizes.size() <= static_cast<std::size_t>(kMaxDims), ShapeError,
              "Shape: at most {} dimensions are supported, got {}", kMaxDims, sizes.size());
  rank_ = static_cast<int>(sizes.size());
  std::copy(sizes.begin(), sizes.end(), sizes_.begin());
}

Shape Shape::filled(int n, std::int64_t fill) {
  Shape shape;
  for (int i = 0; i < n; ++i) shape.push_back(fill);
  return shape;
}

std::int64_t Shape::numel() const {
  const std::optional<std::int64_t> n = checked_product(span());
  NNLAB_CHECK(n.has_value(), ShapeError, "Shape: expected at most 2^63 - 1 elements, got shape {}", *this);
  return *n;
}

void Shape::push_back(std::int64_t size) {
  NNLAB_CHECK(rank_ < kMaxDims, ShapeError, "Shape: at most {} dimensions are supported", kMaxDims);
  sizes_[rank_++] = size;
}

void Shape::insert(int index, std::int64_t size) {
  NNLAB_CHECK(rank_ < kMaxDims, ShapeError, "Shape: at most {} dimensions are supported", kMaxDims);
  for (int i = rank_; i > index; --i) sizes_[i] = sizes_[i - 1];
  sizes_[index] = size;
  ++rank_;
}

void Shape::erase(int index) {
  for (int i = index; i + 1 < rank_; ++i) sizes_[i] = sizes_[i + 1];
  --rank_;
}

std::string Shape::to_string() const {
  std::string text = "[";
  for (int i = 0; i < rank_; ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(sizes_[i]);
  }
  return text + "]";
}

Shape contiguous_strides(const Shape& shape) {
  Shape strides;
  set_contiguous_strides(shape, strides);
  return strides;
}

void set_contiguous_strides(const Shape& shape, Shape& strides) {
  strides = shape;  // the rank; every size is overwritten
  std::int64_t stride = 1;
  for (int i = shape.rank() - 1; i >= 0; --i) {
    strides[i] = stride;
    if (i == 0) break;  // the outermost size never enters a stride
    const std::optional<std::int64_t> next = checked_mul(stride, std::max<std::int64_t>(shape[i], 1));
    // Only a shape with an empty dimension gets here with sizes whose product overflows.
    NNLAB_CHECK(next.has_value(), ShapeError, "contiguous_strides: expected strides below 2^63, got shape {}", shape);
    stride = *next;
  }
}

bool is_contiguous(const Shape& shape, const Shape& strides) {
  std::int64_t expected = 1;
  for (int i = shape.rank() - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (shape[i] == 0) return true;
    if (strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

int normalize_dim(std::int64_t dim, int rank, const char* where) {
  const std::int64_t lo = rank == 0 ? -1 : -rank;
  const std::int64_t hi = rank == 0 ? 0 : rank - 1;
  NNLAB_CHECK(dim >= lo && dim <= hi, ShapeError,
              "{}: dim {} is out of range for a tensor of rank {} (expected {}..{})", where, dim, rank, lo, hi);
  return static_cast<int>(dim < 0 ? dim + std::max(rank, 1) : dim);
}

}  // namespace nnlab
