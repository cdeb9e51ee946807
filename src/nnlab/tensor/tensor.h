#pragma once
// Tensor: a cheap reference-counted handle to (storage, shape, strides, offset, dtype) plus
// the autograd fields. Copying a Tensor copies the handle, never the data.
// Differentiable functions live in nnlab::ops; tensor/view.h has the raw (non-recording) views.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "nnlab/core/buffer_view.h"
#include "nnlab/core/dtype.h"
#include "nnlab/core/intrusive_ptr.h"
#include "nnlab/core/shape.h"
#include "nnlab/tensor/storage.h"

namespace nnlab {

// The base of autograd::Node. Declared here so a tensor can own the node that made it
// without this floor knowing anything about autograd.
class GradFn : public RefCounted {};

struct TensorImpl final : RefCounted {
  IntrusivePtr<Storage> storage;
  Shape shape;
  Shape strides;            // in elements
  std::int64_t offset = 0;  // in elements, from storage->data()
  DType dtype = DType::f32;
  bool requires_grad = false;     // set on leaves (parameters, inputs) by the user
  IntrusivePtr<TensorImpl> grad;  // accumulated by backward() on leaves
  IntrusivePtr<GradFn> grad_fn;   // the node that produced this tensor; null on leaves
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(IntrusivePtr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // --- creation (uninitialised, filled, or from values) ---
  // Throw ShapeError for a negative size or a shape of more than 2^63 - 1 elements, and
  // memory::OutOfMemory (a std::bad_alloc) naming the dtype and shape when memory runs out.
  static Tensor empty(const Shape& shape, DType dtype = DType::f32);
  static Tensor zeros(const Shape& shape, DType dtype = DType::f32);
  static Tensor ones(const Shape& shape, DType dtype = DType::f32);
  static Tensor full(const Shape& shape, double value, DType dtype = DType::f32);
  static Tensor scalar(double value, DType dtype = DType::f32);  // rank 0
  static Tensor from(std::initializer_list<double> values, DType dtype = DType::f32);
  // Rows of one value each ({{1}, {2}}) are ambiguous with the 1-D form: use from_doubles.
  static Tensor from(std::initializer_list<std::initializer_list<double>> rows, DType dtype = DType::f32);
  // Row-major values converted to `dtype`.
  static Tensor from_doubles(const std::vector<double>& values, const Shape& shape, DType dtype = DType::f32);
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape);
  // Wraps memory the caller owns and keeps alive; contiguous.
  static Tensor from_blob(void* data, const Shape& shape, DType dtype);
  // A view of existing storage with explicit strides (the building block of every view).
  static Tensor make_view(const Tensor& base, const Shape& shape, const Shape& strides, std::int64_t offset);

  // --- metadata ---
  bool defined() const { return static_cast<bool>(impl_); }
  const Shape& shape() const { return impl_->shape; }
  const Shape& strides() const { return impl_->strides; }
  int dim() const { return impl_->shape.rank(); }
  std::int64_t size(std::int64_t dim) const;  // negative dims count from the end
  std::int64_t stride(std::int64_t dim) const;
  std::int64_t numel() const { return impl_->shape.numel(); }
  std::int64_t offset() const { return impl_->offset; }
  DType dtype() const { return impl_->dtype; }
  bool is_contiguous() const { return nnlab::is_contiguous(impl_->shape, impl_->strides); }
  bool same_storage(const Tensor& other) const { return impl_->storage == other.impl_->storage; }

  // --- data ---
  void* data_ptr() const {  // first element
    return static_cast<char*>(impl_->storage->data()) + impl_->offset * static_cast<std::int64_t>(dtype_size(dtype()));
  }
  template <typename T>
  T* data() const;  // throws DTypeError if T is not the dtype
  ConstView view() const { return {data_ptr(), dtype(), shape(), strides()}; }
  MutView mut_view() const { return {data_ptr(), dtype(), shape(), strides()}; }
  double item() const;  // the value of a one-element tensor, as double
  template <typename T>
  std::vector<T> to_vector() const;  // every element in row-major order, converted to T

  // --- autograd ---
  bool requires_grad() const { return impl_->requires_grad || impl_->grad_fn; }
  // Marks a leaf as needing a gradient; returns a handle to the same tensor.
  Tensor requires_grad_(bool required = true) const;
  bool is_leaf() const { return !impl_->grad_fn; }
  Tensor grad() const { return Tensor(impl_->grad); }  // undefined until backward reaches it
  void set_grad(const Tensor& grad) const { impl_->grad = grad.impl_; }
  void zero_grad() const { impl_->grad.reset(); }  // like PyTorch's set_to_none=True
  GradFn* grad_fn() const { return impl_->grad_fn.get(); }
  void set_grad_fn(IntrusivePtr<GradFn> node) const { impl_->grad_fn = std::move(node); }
  // Same data, cut from the graph.
  Tensor detach() const;
  // Back-propagates from this scalar (or with `grad` of this tensor's shape). Defined in
  // autograd/engine.cpp: any code that can build a graph links the autograd floor.
  void backward(const Tensor& grad = Tensor(), bool retain_graph = false) const;

  TensorImpl* impl() const { return impl_.get(); }
  std::string to_string() const;  // see tensor/print.h

 private:
  IntrusivePtr<TensorImpl> impl_;
};

}  // namespace nnlab
