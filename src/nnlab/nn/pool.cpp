// Pooling layers: option checks, torch-style reprs, and one ops/pool.h call per forward.
#include "nnlab/nn/pool.h"

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/ops/pool.h"

namespace nnlab::nn {
namespace {

// As torch prints an int-or-tuple argument given as an int: "2" for (2, 2), else "(3, 2)".
std::string repr(ops::Size2d size) { return size.h == size.w ? fmt::format("{}", size.h) : size.to_string(); }

// The window checks ops::max_pool2d / avg_pool2d would make, done at construction so that a
// bad layer fails where it is built.
void check_options(const Pool2dOptions& o, const char* layer) {
  NNLAB_CHECK(o.kernel_size.h > 0 && o.kernel_size.w > 0, ValueError, "{}: expected positive kernel_size, got {}",
              layer, o.kernel_size);
  const ops::Size2d stride = o.stride.value_or(o.kernel_size);
  NNLAB_CHECK(stride.h > 0 && stride.w > 0, ValueError, "{}: expected positive stride, got {}", layer, stride);
  NNLAB_CHECK(
      o.padding.h >= 0 && o.padding.w >= 0 && 2 * o.padding.h <= o.kernel_size.h && 2 * o.padding.w <= o.kernel_size.w,
      ValueError, "{}: expected padding between 0 and half the kernel_size, got padding {} for kernel_size {}", layer,
      o.padding, o.kernel_size);
}

std::string describe_window(const Pool2dOptions& o, const char* layer) {
  return fmt::format("{}(kernel_size={}, stride={}, padding={})", layer, repr(o.kernel_size),
                     repr(o.stride.value_or(o.kernel_size)), repr(o.padding));
}

}  // namespace

MaxPool2d::MaxPool2d(const MaxPool2dOptions& options) : options_(options) { check_options(options, "MaxPool2d"); }

Tensor MaxPool2d::forward(const Tensor& x) {
  return ops::max_pool2d(x, options_.kernel_size, options_.stride, options_.padding);
}

std::string MaxPool2d::describe() const { return describe_window(options_, "MaxPool2d"); }

AvgPool2d::AvgPool2d(const AvgPool2dOptions& options) : options_(options) { check_options(options, "AvgPool2d"); }

Tensor AvgPool2d::forward(const Tensor& x) {
  return ops::avg_pool2d(x, options_.kernel_size, options_.stride, options_.padding);
}

std::string AvgPool2d::describe() const { return describe_window(options_, "AvgPool2d"); }

AdaptiveAvgPool2d::AdaptiveAvgPool2d(const AdaptiveAvgPool2dOptions& options) : options_(options) {
  NNLAB_CHECK(options.output_size.h > 0 && options.output_size.w > 0, ValueError,
              "AdaptiveAvgPool2d: expected a positive output_size, got {}", options.output_size);
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& x) { return ops::adaptive_avg_pool2d(x, options_.output_size); }

std::string AdaptiveAvgPool2d::describe() const {
  return fmt::format("AdaptiveAvgPool2d(output_size={})", repr(options_.output_size));
}

}  // namespace nnlab::nn
