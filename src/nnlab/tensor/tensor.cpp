#include "nnlab/tensor/tensor.h"

#include <cstring>
#include <limits>

#include "nnlab/core/allocator.h"
#include "nnlab/core/check.h"
#include "nnlab/core/replay.h"
#include "nnlab/core/strided_loop.h"
#include "nnlab/tensor/print.h"

namespace nnlab {
namespace {

template <typename T>
void fill_value(void* data, std::int64_t n, double value) {
  T* out = static_cast<T*>(data);
  const T v = static_cast<T>(value);
  for (std::int64_t i = 0; i < n; ++i) out[i] = v;
}

template <typename To, typename From>
void gather_converted(const Tensor& t, std::vector<To>& out) {
  const From* base = static_cast<const From*>(t.data_ptr());
  const Shape strides = t.strides();
  const StridedLayout<1> layout = make_strided_layout<1>(t.shape(), {&strides});
  const std::int64_t step = layout.inner_stride(0);
  for_each_row(layout, 0, layout.rows(), [&](const std::array<std::int64_t, 1>& offsets, std::int64_t count) {
    for (std::int64_t i = 0; i < count; ++i) out.push_back(static_cast<To>(base[offsets[0] + i * step]));
  });
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, DType dtype) {
  for (std::int64_t size : shape) {
    NNLAB_CHECK(size >= 0, ShapeError, "Tensor::empty: sizes must be non-negative, got {}", shape);
  }
  auto impl = make_intrusive<TensorImpl>();
  // numel() checks its own overflow; bytes past 2^64 become the largest size_t, which the
  // allocator refuses (it takes at most kMaxBlockBytes) as "2^64 bytes or more".
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(static_cast<std::size_t>(shape.numel()), dtype_size(dtype), &bytes)) {
    bytes = std::numeric_limits<std::size_t>::max();
  }
  try {
    impl->storage = Storage::allocate(bytes);
  } catch (const memory::OutOfMemory& e) {
    throw memory::OutOfMemory(e.bytes(), fmt::format("a {} tensor of shape {}", dtype, shape));
  }
  impl->shape = shape;
  set_contiguous_strides(shape, impl->strides);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::zeros(const Shape& shape, DType dtype) {
  Tensor t = empty(shape, dtype);
  const auto fill = [data = t.data_ptr(), bytes = static_cast<std::size_t>(t.numel()) * dtype_size(dtype)] {
    std::memset(data, 0, bytes);
  };
  fill();
  if (replay::Recording* recording = replay::active()) recording->add(fill);
  return t;
}

Tensor Tensor::ones(const Shape& shape, DType dtype) { return full(shape, 1.0, dtype); }

Tensor Tensor::full(const Shape& shape, double value, DType dtype) {
  Tensor t = empty(shape, dtype);
  const auto fill = [data = t.data_ptr(), n = t.numel(), value, dtype] {
    switch (dtype) {
      case DType::f32: fill_value<float>(data, n, value); break;
      case DType::f64: fill_value<double>(data, n, value); break;
      case DType::i64: fill_value<std::int64_t>(data, n, value); break;
    }
  };
  fill();
  if (replay::Recording* recording = replay::active()) recording->add(fill);
  return t;
}

Tensor Tensor::scalar(double value, DType dtype) { return full(Shape{}, value, dtype); }

Tensor Tensor::from(std::initializer_list<double> values, DType dtype) {
  return from_doubles(std::vector<double>(values), Shape{static_cast<std::int64_t>(values.size())}, dtype);
}

Tensor Tensor::from(std::initializer_list<std::initializer_list<double>> rows, DType dtype) {
  const std::int64_t n_rows = static_cast<std::int64_t>(rows.size());
  const std::int64_t n_cols = n_rows == 0 ? 0 : static_cast<std::int64_t>(rows.begin()->size());
  std::vector<double> values;
  for (const auto& row : rows) {
    NNLAB_CHECK(static_cast<std::int64_t>(row.size()) == n_cols, ShapeError,
                "Tensor::from: every row must have {} values, got a row of {}", n_cols, row.size());
    values.insert(values.end(), row.begin(), row.end());
  }
  return from_doubles(values, Shape{n_rows, n_cols}, dtype);
}

Tensor Tensor::from_doubles(const std::vector<double>& values, const Shape& shape, DType dtype) {
  NNLAB_CHECK(static_cast<std::int64_t>(values.size()) == shape.numel(), ShapeError,
              "Tensor::from_doubles: shape {} needs {} values, got {}", shape, shape.numel(), values.size());
  Tensor t = empty(shape, dtype);
  for (std::size_t i = 0; i < values.size(); ++i) {
    switch (dtype) {
      case DType::f32: t.data<float>()[i] = static_cast<float>(values[i]); break;
      case DType::f64: t.data<double>()[i] = values[i]; break;
      case DType::i64: t.data<std::int64_t>()[i] = static_cast<std::int64_t>(values[i]); break;
    }
  }
  return t;
}

template <typename T>
Tensor Tensor::from_vector(const std::vector<T>& values, const Shape& shape) {
  NNLAB_CHECK(static_cast<std::int64_t>(values.size()) == shape.numel(), ShapeError,
              "Tensor::from_vector: shape {} needs {} values, got {}", shape, shape.numel(), values.size());
  Tensor t = empty(shape, dtype_of<T>());
  if (!values.empty()) std::memcpy(t.data_ptr(), values.data(), values.size() * sizeof(T));
  return t;
}

Tensor Tensor::from_blob(void* data, const Shape& shape, DType dtype) {
  auto impl = make_intrusive<TensorImpl>();
  impl->storage = Storage::borrow(data, static_cast<std::size_t>(shape.numel()) * dtype_size(dtype));
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::make_view(const Tensor& base, const Shape& shape, const Shape& strides, std::int64_t offset) {
  auto impl = make_intrusive<TensorImpl>();
  impl->storage = base.impl_->storage;
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = base.dtype();
  return Tensor(std::move(impl));
}

std::int64_t Tensor::size(std::int64_t dim) const {
  return impl_->shape[normalize_dim(dim, this->dim(), "Tensor::size")];
}

std::int64_t Tensor::stride(std::int64_t dim) const {
  return impl_->strides[normalize_dim(dim, this->dim(), "Tensor::stride")];
}

template <typename T>
T* Tensor::data() const {
  NNLAB_CHECK(dtype() == dtype_of<T>(), DTypeError, "Tensor::data: tensor holds {}, asked for {}", dtype(),
              dtype_of<T>());
  return static_cast<T*>(data_ptr());
}

double Tensor::item() const {
  NNLAB_CHECK(numel() == 1, ShapeError, "Tensor::item: expected a tensor with one element, got shape {}", shape());
  switch (dtype()) {
    case DType::f32: return *static_cast<const float*>(data_ptr());
    case DType::f64: return *static_cast<const double*>(data_ptr());
    case DType::i64: return static_cast<double>(*static_cast<const std::int64_t*>(data_ptr()));
  }
  return 0.0;
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(numel()));
  if (numel() == 0) return out;
  switch (dtype()) {
    case DType::f32: gather_converted<T, float>(*this, out); break;
    case DType::f64: gather_converted<T, double>(*this, out); break;
    case DType::i64: gather_converted<T, std::int64_t>(*this, out); break;
  }
  return out;
}

Tensor Tensor::requires_grad_(bool required) const {
  NNLAB_CHECK(!required || is_floating(dtype()), DTypeError,
              "requires_grad_: only float32 and float64 tensors can require gradients, got {}", dtype());
  NNLAB_CHECK(is_leaf(), ValueError,
              "requires_grad_: only leaf tensors can change requires_grad; use detach() on the result of an op first");
  impl_->requires_grad = required;
  return *this;
}

Tensor Tensor::detach() const { return make_view(*this, shape(), strides(), offset()); }

std::string Tensor::to_string() const { return nnlab::to_string(*this); }

template Tensor Tensor::from_vector<float>(const std::vector<float>&, const Shape&);
template Tensor Tensor::from_vector<double>(const std::vector<double>&, const Shape&);
template Tensor Tensor::from_vector<std::int64_t>(const std::vector<std::int64_t>&, const Shape&);
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template std::int64_t* Tensor::data<std::int64_t>() const;
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<std::int64_t> Tensor::to_vector<std::int64_t>() const;

}  // namespace nnlab
