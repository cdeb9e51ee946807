// conv2d: validation, the forward kernel, and Conv2dBackward (backward-data and backward-weights
// kernels). Legend: N batch, C in_channels, H W input size, O out_channels, G groups, KH KW kernel,
// OH OW output size.
#include "nnlab/ops/conv.h"

#include <algorithm>
#include <utility>

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/core/checked_arithmetic.h"
#include "nnlab/kernels/conv.h"
#include "nnlab/ops/shape_ops.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::ops {
namespace {

// Inputs: 0 input (N, C, H, W), 1 weight (O, C / G, KH, KW), 2 bias (O).
struct Conv2dBackward final : autograd::Node {
  kernels::Conv2dGeometry geometry;
  kernels::Conv2dSaved saved;  // the input as the forward's backend converted it, if it did
  Tensor input;                // contiguous, detached; saved when the weight needs a gradient and `saved` lacks it
  Tensor weight;               // contiguous, detached; saved only when the input needs a gradient

  std::string_view name() const override { return "conv2d"; }

  // dInput (N, C, H, W) = transposed convolution of dOut (N, O, OH, OW) with W;
  // dW (O, C / G, KH, KW) = Σ_{n, oh, ow} dOut · input window;  dBias (O) = Σ_{n, oh, ow} dOut.
  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    kernels::conv2d_backward(geometry, grad_out.view(), weight.defined() ? weight.view() : ConstView{},
                             input.defined() ? input.view() : ConstView{}, saved,
                             grads.wants(0) ? grads.output(0).mut_view() : MutView{},
                             grads.wants(1) ? grads.output(1).mut_view() : MutView{},
                             grads.wants(2) ? grads.output(2).mut_view() : MutView{});
  }
};

// Ranks and sizes; input may be 3-D (C, H, W) or 4-D (N, C, H, W).
void check_shapes(const Shape& input, const Shape& weight) {
  NNLAB_CHECK(input.rank() == 4 || input.rank() == 3, ShapeError,
              "conv2d: expected input of rank 4 (N, C_in, H, W) or 3 (C_in, H, W), got shape {}", input);
  NNLAB_CHECK(input[input.rank() - 2] > 0 && input[input.rank() - 1] > 0, ShapeError,
              "conv2d: expected an image with non-zero height and width, got input shape {}", input);
  NNLAB_CHECK(weight.rank() == 4, ShapeError,
              "conv2d: expected weight of rank 4 (C_out, C_in / groups, kH, kW), got shape {}", weight);
  NNLAB_CHECK(std::all_of(weight.begin(), weight.end(), [](std::int64_t size) { return size > 0; }), ShapeError,
              "conv2d: expected a weight with no zero size, got shape {}", weight);
}

// Dtypes, then shapes.
void check_tensors(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  check_floating(input, "conv2d: input");
  check_floating(weight, "conv2d: weight");
  check_same_dtype(input, weight, "conv2d: input and weight");
  check_shapes(input.shape(), weight.shape());
  if (!bias.defined()) return;
  check_floating(bias, "conv2d: bias");
  check_same_dtype(input, bias, "conv2d: input and bias");
  NNLAB_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), ShapeError,
              "conv2d: expected bias of shape [{}] (out_channels of weight {}), got {}", weight.size(0), weight.shape(),
              bias.shape());
}

void check_params(const Conv2dParams& p) {
  NNLAB_CHECK(p.stride.h > 0 && p.stride.w > 0, ValueError, "conv2d: expected positive stride, got {}", p.stride);
  NNLAB_CHECK(p.dilation.h > 0 && p.dilation.w > 0, ValueError, "conv2d: expected positive dilation, got {}",
              p.dilation);
  NNLAB_CHECK(p.padding.h >= 0 && p.padding.w >= 0, ValueError, "conv2d: expected non-negative padding, got {}",
              p.padding);
  NNLAB_CHECK(p.groups > 0, ValueError, "conv2d: expected positive groups, got {}", p.groups);
}

// One dimension's padded input, in + 2·padding, and dilated kernel, dilation·(kernel - 1) + 1;
// -1 for either that is past 2^63 - 1 (a config's padding or dilation can ask for that).
struct Extent {
  std::int64_t padded = -1, span = -1;
};
Extent extent(std::int64_t in, std::int64_t kernel, std::int64_t padding, std::int64_t dilation) {
  const std::optional<std::int64_t> twice = checked_mul(2, padding);
  const std::optional<std::int64_t> reach = checked_mul(dilation, kernel - 1);
  const std::optional<std::int64_t> padded = twice ? checked_add(in, *twice) : std::nullopt;
  const std::optional<std::int64_t> span = reach ? checked_add(*reach, 1) : std::nullopt;
  return {.padded = padded.value_or(-1), .span = span.value_or(-1)};
}

// One output size: (padded - span) / stride + 1, or 0 when the padded input is smaller than the
// dilated kernel or either does not fit in int64.
std::int64_t output_size(const Extent& e, std::int64_t stride) {
  return e.padded < 0 || e.span < 0 || e.padded < e.span ? 0 : (e.padded - e.span) / stride + 1;
}

// Channel counts and image size; returns the kernels' geometry (batch 1 for a 3-D input).
kernels::Conv2dGeometry make_geometry(const Shape& input, const Shape& weight, const Conv2dParams& p) {
  const int r = input.rank();
  const std::int64_t channels = input[r - 3], out_channels = weight[0];
  NNLAB_CHECK(out_channels % p.groups == 0, ShapeError,
              "conv2d: expected out_channels divisible by groups={}, got weight {} ({} output channels)", p.groups,
              weight, out_channels);
  const std::optional<std::int64_t> grouped = checked_mul(weight[1], p.groups);
  NNLAB_CHECK(grouped && channels == *grouped, ShapeError,
              "conv2d: expected input with {} channels (weight {}, groups={}), got input {}",
              grouped ? fmt::format("{}", *grouped) : std::string("more than 2^63 - 1"), weight, p.groups, input);
  kernels::Conv2dGeometry g{.batch = r == 4 ? input[0] : 1,
                            .in_channels = channels,
                            .in_h = input[r - 2],
                            .in_w = input[r - 1],
                            .out_channels = out_channels,
                            .kernel_h = weight[2],
                            .kernel_w = weight[3],
                            .stride_h = p.stride.h,
                            .stride_w = p.stride.w,
                            .pad_h = p.padding.h,
                            .pad_w = p.padding.w,
                            .dilation_h = p.dilation.h,
                            .dilation_w = p.dilation.w,
                            .groups = p.groups};
  const Extent h = extent(g.in_h, g.kernel_h, g.pad_h, g.dilation_h);
  const Extent w = extent(g.in_w, g.kernel_w, g.pad_w, g.dilation_w);
  NNLAB_CHECK(h.padded >= 0 && w.padded >= 0 && h.span >= 0 && w.span >= 0, ShapeError,
              "conv2d: expected a padded input and a dilated kernel of at most 2^63 - 1 pixels a side, got input {} "
              "with kernel {}, padding {}, dilation {}",
              input, Size2d(g.kernel_h, g.kernel_w), p.padding, p.dilation);
  g.out_h = output_size(h, g.stride_h);
  g.out_w = output_size(w, g.stride_w);
  NNLAB_CHECK(g.out_h > 0 && g.out_w > 0, ShapeError,
              "conv2d: expected the padded input ({}, {}) to be at least the dilated kernel ({}, {}), got input {} "
              "with kernel {}, stride {}, padding {}, dilation {}",
              h.padded, w.padded, h.span, w.span, input, Size2d(g.kernel_h, g.kernel_w), p.stride, p.padding,
              p.dilation);
  return g;
}

// The forward on a 4-D input: out (N, O, OH, OW), recording Conv2dBackward.
Tensor conv2d_images(const Tensor& input, const Tensor& weight, const Tensor& bias, const kernels::Conv2dGeometry& g) {
  const Tensor x = nnlab::contiguous(input), w = nnlab::contiguous(weight);
  const Tensor b = bias.defined() ? nnlab::contiguous(bias) : Tensor();
  Tensor out = Tensor::empty({g.batch, g.out_channels, g.out_h, g.out_w}, input.dtype());
  const bool record = autograd::should_record({input, weight, bias});
  kernels::Conv2dSaved saved;
  kernels::conv2d_forward(g, x.view(), w.view(), b.defined() ? b.view() : ConstView{}, out.mut_view(),
                          record && weight.requires_grad() ? &saved : nullptr);

  if (record) {
    auto& node = autograd::record<Conv2dBackward>(out, {input, weight, bias});
    node.geometry = g;
    node.saved = std::move(saved);
    if (weight.requires_grad() && node.saved.input == nullptr) node.input = x.detach();
    if (input.requires_grad()) node.weight = w.detach();
  }
  return out;
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Conv2dParams& params) {
  check_tensors(input, weight, bias);
  check_params(params);
  const kernels::Conv2dGeometry g = make_geometry(input.shape(), weight.shape(), params);
  if (input.dim() == 3) return squeeze(conv2d_images(unsqueeze(input, 0), weight, bias, g), 0);
  return conv2d_images(input, weight, bias, g);
}

Shape conv2d_output_shape(const Shape& input, const Shape& weight, const Conv2dParams& params) {
  check_shapes(input, weight);
  check_params(params);
  const kernels::Conv2dGeometry g = make_geometry(input, weight, params);
  if (input.rank() == 3) return {g.out_channels, g.out_h, g.out_w};
  return {g.batch, g.out_channels, g.out_h, g.out_w};
}

}  // namespace nnlab::ops
