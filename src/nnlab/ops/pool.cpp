// max_pool2d, avg_pool2d and adaptive_avg_pool2d with their backward nodes (kernels/pool.h).
// Legend: N batch, C channels, H W input size, OH OW output size.
#include "nnlab/ops/pool.h"

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/core/checked_arithmetic.h"
#include "nnlab/kernels/pool.h"
#include "nnlab/ops/shape_ops.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::ops {
namespace {

using kernels::Pool2dGeometry;

// Input 0: x (N, C, H, W). dx (N, C, H, W) = dout (N, C, OH, OW) added at each window's argmax.
struct MaxPool2dBackward final : autograd::Node {
  Pool2dGeometry geometry;
  Tensor indices;  // int64 (N, C, OH, OW): each window's argmax as ih·W + iw

  std::string_view name() const override { return "max_pool2d"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    if (grads.wants(0)) {
      kernels::max_pool2d_backward(geometry, grad_out.view(), indices.view(), grads.output(0).mut_view());
    }
  }
};

// Input 0: x (N, C, H, W). dx (N, C, H, W) = Σ over windows holding x of dout / (KH·KW).
struct AvgPool2dBackward final : autograd::Node {
  Pool2dGeometry geometry;

  std::string_view name() const override { return "avg_pool2d"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    if (grads.wants(0)) kernels::avg_pool2d_backward(geometry, grad_out.view(), grads.output(0).mut_view());
  }
};

// Input 0: x (N, C, H, W). dx (N, C, H, W) = Σ over windows holding x of dout / window area.
struct AdaptiveAvgPool2dBackward final : autograd::Node {
  Pool2dGeometry geometry;

  std::string_view name() const override { return "adaptive_avg_pool2d"; }
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    if (grads.wants(0)) kernels::adaptive_avg_pool2d_backward(geometry, grad_out.view(), grads.output(0).mut_view());
  }
};

void check_input_shape(const Shape& input, const char* where) {
  NNLAB_CHECK(input.rank() == 4 || input.rank() == 3, ShapeError,
              "{}: expected input of rank 4 (N, C, H, W) or 3 (C, H, W), got shape {}", where, input);
  const int r = input.rank();
  NNLAB_CHECK(input[r - 3] > 0 && input[r - 2] > 0 && input[r - 1] > 0, ShapeError,
              "{}: expected input with non-zero channels, height and width, got shape {}", where, input);
}

void check_input(const Tensor& input, const char* where) {
  check_floating(input, where);
  check_input_shape(input.shape(), where);
}

// Geometry with only the sizes filled in; batch 1 for a 3-D input.
Pool2dGeometry image_geometry(const Shape& input) {
  const int r = input.rank();
  return {.batch = r == 4 ? input[0] : 1, .channels = input[r - 3], .in_h = input[r - 2], .in_w = input[r - 1]};
}

// Validates the window parameters of max/avg pooling and works out the output size.
Pool2dGeometry window_geometry(const Shape& input, Size2d kernel, Size2d stride, Size2d padding, const char* where) {
  check_input_shape(input, where);
  NNLAB_CHECK(kernel.h > 0 && kernel.w > 0, ValueError, "{}: expected positive kernel_size, got {}", where, kernel);
  NNLAB_CHECK(stride.h > 0 && stride.w > 0, ValueError, "{}: expected positive stride, got {}", where, stride);
  // padding <= kernel / 2 is 2·padding <= kernel without the overflow of 2·padding.
  NNLAB_CHECK(padding.h >= 0 && padding.w >= 0 && padding.h <= kernel.h / 2 && padding.w <= kernel.w / 2, ValueError,
              "{}: expected padding between 0 and half the kernel_size, got padding {} for kernel_size {}", where,
              padding, kernel);
  Pool2dGeometry g = image_geometry(input);
  // in + 2·padding - kernel as in - (kernel - 2·padding): 2·padding <= kernel, so no term overflows,
  // where in + 2·padding would for a kernel and a padding near 2^63.
  const std::int64_t slack_h = g.in_h - (kernel.h - 2 * padding.h), slack_w = g.in_w - (kernel.w - 2 * padding.w);
  const auto padded = [](std::int64_t in, std::int64_t pad) {
    const std::optional<std::int64_t> sum = checked_add(in, 2 * pad);
    return sum ? fmt::format("{}", *sum) : std::string("2^63 or more");
  };
  NNLAB_CHECK(slack_h >= 0 && slack_w >= 0, ShapeError,
              "{}: expected the padded input ({}, {}) to be at least kernel_size {}, got input {} with kernel_size {}, "
              "stride {}, padding {}",
              where, padded(g.in_h, padding.h), padded(g.in_w, padding.w), kernel, input, kernel, stride, padding);
  g.kernel_h = kernel.h;
  g.kernel_w = kernel.w;
  g.stride_h = stride.h;
  g.stride_w = stride.w;
  g.pad_h = padding.h;
  g.pad_w = padding.w;
  g.out_h = slack_h / stride.h + 1;
  g.out_w = slack_w / stride.w + 1;
  return g;
}

// Runs fn on a 4-D view of input: a 3-D (C, H, W) input gets a batch dim of 1 and loses it after.
template <typename Fn>
Tensor on_images(const Tensor& input, const Fn& fn) {
  if (input.dim() == 3) return squeeze(fn(unsqueeze(input, 0)), 0);
  return fn(input);
}

Shape output_shape(const Pool2dGeometry& g) { return {g.batch, g.channels, g.out_h, g.out_w}; }

// The output shape of a 3-D (C, H, W) or 4-D input of this geometry.
Shape output_shape_like(const Shape& input, const Pool2dGeometry& g) {
  if (input.rank() == 3) return {g.channels, g.out_h, g.out_w};
  return output_shape(g);
}

}  // namespace

Shape pool2d_output_shape(const Shape& input, Size2d kernel_size, std::optional<Size2d> stride, Size2d padding) {
  return output_shape_like(input, window_geometry(input, kernel_size, stride.value_or(kernel_size), padding, "pool2d"));
}

Shape adaptive_avg_pool2d_output_shape(const Shape& input, Size2d output_size) {
  check_input_shape(input, "adaptive_avg_pool2d");
  NNLAB_CHECK(output_size.h > 0 && output_size.w > 0, ValueError,
              "adaptive_avg_pool2d: expected a positive output_size, got {}", output_size);
  Pool2dGeometry g = image_geometry(input);
  g.out_h = output_size.h;
  g.out_w = output_size.w;
  return output_shape_like(input, g);
}

Tensor max_pool2d(const Tensor& input, Size2d kernel_size, std::optional<Size2d> stride, Size2d padding) {
  check_floating(input, "max_pool2d");
  const Pool2dGeometry g =
      window_geometry(input.shape(), kernel_size, stride.value_or(kernel_size), padding, "max_pool2d");
  return on_images(input, [&](const Tensor& images) {
    const Tensor x = nnlab::contiguous(images);
    Tensor out = Tensor::empty(output_shape(g), x.dtype());
    Tensor indices = Tensor::empty(output_shape(g), DType::i64);
    kernels::max_pool2d_forward(g, x.view(), out.mut_view(), indices.mut_view());
    if (autograd::should_record({images})) {
      auto& node = autograd::record<MaxPool2dBackward>(out, {images});
      node.geometry = g;
      node.indices = indices;
    }
    return out;
  });
}

Tensor avg_pool2d(const Tensor& input, Size2d kernel_size, std::optional<Size2d> stride, Size2d padding) {
  check_floating(input, "avg_pool2d");
  const Pool2dGeometry g =
      window_geometry(input.shape(), kernel_size, stride.value_or(kernel_size), padding, "avg_pool2d");
  return on_images(input, [&](const Tensor& images) {
    const Tensor x = nnlab::contiguous(images);
    Tensor out = Tensor::empty(output_shape(g), x.dtype());
    kernels::avg_pool2d_forward(g, x.view(), out.mut_view());
    if (autograd::should_record({images})) autograd::record<AvgPool2dBackward>(out, {images}).geometry = g;
    return out;
  });
}

Tensor adaptive_avg_pool2d(const Tensor& input, Size2d output_size) {
  check_input(input, "adaptive_avg_pool2d");
  NNLAB_CHECK(output_size.h > 0 && output_size.w > 0, ValueError,
              "adaptive_avg_pool2d: expected a positive output_size, got {}", output_size);
  Pool2dGeometry g = image_geometry(input.shape());
  g.out_h = output_size.h;
  g.out_w = output_size.w;
  return on_images(input, [&](const Tensor& images) {
    const Tensor x = nnlab::contiguous(images);
    Tensor out = Tensor::empty(output_shape(g), x.dtype());
    kernels::adaptive_avg_pool2d_forward(g, x.view(), out.mut_view());
    if (autograd::should_record({images})) autograd::record<AdaptiveAvgPool2dBackward>(out, {images}).geometry = g;
    return out;
  });
}

}  // namespace nnlab::ops
