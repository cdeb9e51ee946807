#pragma once
// ConstView / MutView: what kernels see of a tensor. A pointer to the first element, the
// dtype, shape and strides (in elements). Non-owning; no autograd, no reference counts.
#include "nnlab/core/dtype.h"
#include "nnlab/core/shape.h"

namespace nnlab {

struct ConstView {
  const void* data = nullptr;
  DType dtype = DType::f32;
  Shape shape;
  Shape strides;

  template <typename T>
  const T* ptr() const { return static_cast<const T*>(data); }
  std::int64_t numel() const { return shape.numel(); }
  bool is_contiguous() const { return nnlab::is_contiguous(shape, strides); }
};

struct MutView {
  void* data = nullptr;
  DType dtype = DType::f32;
  Shape shape;
  Shape strides;

  template <typename T>
  T* ptr() const { return static_cast<T*>(data); }
  std::int64_t numel() const { return shape.numel(); }
  bool is_contiguous() const { return nnlab::is_contiguous(shape, strides); }
  operator ConstView() const { return {data, dtype, shape, strides}; }
};

}  // namespace nnlab
