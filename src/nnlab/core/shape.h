#pragma once
// Shape: the sizes of a tensor (also used for strides), stored inline for up to kMaxDims
// dimensions so creating a tensor never allocates for its metadata.
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

#include <fmt/format.h>

namespace nnlab {

inline constexpr int kMaxDims = 8;

class Shape {
 public:
  Shape() = default;
  // Copies move the rank's sizes one by one: shapes are often copied right after being built
  // size by size, and a whole-array copy's wide loads would stall on those narrow stores.
  Shape(const Shape& other) : rank_(other.rank_) { copy_sizes(other); }
  Shape& operator=(const Shape& other) {
    rank_ = other.rank_;
    copy_sizes(other);
    return *this;
  }
  Shape(std::initializer_list<std::int64_t> sizes);
  explicit Shape(std::span<const std::int64_t> sizes);
  // n dimensions, each of size `fill`.
  static Shape filled(int n, std::int64_t fill);

  int rank() const { return rank_; }
  std::int64_t operator[](int i) const { return sizes_[i]; }
  std::int64_t& operator[](int i) { return sizes_[i]; }
  const std::int64_t* begin() const { return sizes_.data(); }
  const std::int64_t* end() const { return sizes_.data() + rank_; }
  std::int64_t* begin() { return sizes_.data(); }
  std::int64_t* end() { return sizes_.data() + rank_; }
  std::span<const std::int64_t> span() const { return {sizes_.data(), static_cast<std::size_t>(rank_)}; }
  std::int64_t back() const { return sizes_[rank_ - 1]; }

  // Product of the sizes; 1 for rank 0 (a scalar). Throws ShapeError when it is past 2^63 - 1
  // (sizes from a config or a file header can ask for that); checked_product does not throw.
  std::int64_t numel() const;

  void push_back(std::int64_t size);
  void insert(int index, std::int64_t size);
  void erase(int index);

  friend bool operator==(const Shape& a, const Shape& b) {
    return a.rank_ == b.rank_ && std::equal(a.begin(), a.end(), b.begin());
  }

  std::string to_string() const;  // "[2, 3]"

 private:
  void copy_sizes(const Shape& other) {
    for (int i = 0; i < rank_; ++i) sizes_[i] = other.sizes_[i];
  }

  std::array<std::int64_t, kMaxDims> sizes_{};
  int rank_ = 0;
};

// Row-major (C-contiguous) strides, in elements, for a shape.
Shape contiguous_strides(const Shape& shape);
// The same, written into `strides` in place: a Shape returned by value and copied at once
// makes wide loads read narrow stores that have not left the store buffer yet, a stall
// Tensor::empty paid for every tensor.
void set_contiguous_strides(const Shape& shape, Shape& strides);
// True when the strides lay the shape out row-major with no gaps (size-1 dims may have any stride).
bool is_contiguous(const Shape& shape, const Shape& strides);

// Turns a possibly negative dimension index into 0..rank-1; throws ShapeError naming `where`.
int normalize_dim(std::int64_t dim, int rank, const char* where);

}  // namespace nnlab

template <>
struct fmt::formatter<nnlab::Shape> : fmt::formatter<std::string_view> {
  auto format(const nnlab::Shape& shape, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(shape.to_string(), ctx);
  }
};
