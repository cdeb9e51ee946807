// Convolution dispatch: picks the backend by dtype and size and hands typed pointers to it.
#include "nnlab/kernels/conv.h"

#include "nnlab/core/check.h"
#include "nnlab/kernels/cpu/conv_backends.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

// float32 problems below this many multiply-adds run on the direct loops, where a oneDNN call's
// fixed cost (reorders, bookkeeping: ~4.5 us) is most of the time. bench_conv, fastest of 5,
// 1 thread (2-thread runs were too noisy on the shared machine), reference / oneDNN in us:
//   1x4x8x8 -> 4 3x3 (9 kMAC):    forward 5.4 / 5.0, backward-data 4.1 / 8.7, weights 5.4 / 4.5
//   2x4x8x8 -> 8 3x3 (37 kMAC):   forward 17 / 6.3,  backward-data 20 / 14,   weights 21 / 5.4
// so the crossover lies between the two.
constexpr std::int64_t kDnnlMinMacs = 1 << 14;

}  // namespace

std::int64_t Conv2dGeometry::macs() const {
  return batch * out_channels * out_h * out_w * (in_channels / groups) * kernel_h * kernel_w;
}

ConvBackend choose_conv_backend(DType dtype, const Conv2dGeometry& g) {
  // macs() == 0 covers every empty dim: oneDNN has nothing to gain there.
  return dtype == DType::f32 && g.macs() >= kDnnlMinMacs ? ConvBackend::dnnl : ConvBackend::reference;
}

void conv2d_forward(const Conv2dGeometry& g, const ConstView& x, const ConstView& weight, const ConstView& bias,
                    const MutView& out, Conv2dSaved* saved) {
  NNLAB_DCHECK(x.is_contiguous() && weight.is_contiguous() && out.is_contiguous());
  NNLAB_DCHECK(x.dtype == out.dtype && weight.dtype == out.dtype);
  NNLAB_DCHECK(out.shape == (Shape{g.batch, g.out_channels, g.out_h, g.out_w}));
  if (choose_conv_backend(out.dtype, g) == ConvBackend::dnnl) {
    // Nothing to keep when the backward reads plain x (im2col, the first-layer kernel).
    const bool keep = saved != nullptr && !cpu::conv_im2col_suits(g) && !cpu::conv_first_layer_suits(g);
    return cpu::conv2d_forward_dnnl(g, x.ptr<float>(), weight.ptr<float>(), bias.ptr<float>(), out.ptr<float>(),
                                    keep ? &saved->input : nullptr);
  }
  cpu::dispatch_floating(x.dtype, [&]<typename T>() {
    cpu::conv2d_forward_reference<T>(g, x.ptr<T>(), weight.ptr<T>(), bias.ptr<T>(), out.ptr<T>());
  });
}

void conv2d_backward(const Conv2dGeometry& g, const ConstView& dout, const ConstView& weight, const ConstView& x,
                     const Conv2dSaved& saved, const MutView& dx, const MutView& dweight, const MutView& dbias) {
  NNLAB_DCHECK(dout.is_contiguous() && (dx.data == nullptr || (weight.is_contiguous() && dx.is_contiguous())));
  NNLAB_DCHECK(dx.data == nullptr || dx.shape == (Shape{g.batch, g.in_channels, g.in_h, g.in_w}));
  NNLAB_DCHECK(dweight.data == nullptr || saved.input != nullptr || x.is_contiguous());
  if (choose_conv_backend(dout.dtype, g) == ConvBackend::dnnl && cpu::conv_im2col_suits(g)) {
    NNLAB_DCHECK(saved.input == nullptr);
    return cpu::conv2d_backward_im2col(g, dout.ptr<float>(), weight.ptr<float>(), x.ptr<float>(), dx.ptr<float>(),
                                       dweight.ptr<float>(), dbias.ptr<float>());
  }
  if (choose_conv_backend(dout.dtype, g) == ConvBackend::dnnl) {
    const bool first_layer = dweight.data != nullptr && cpu::conv_first_layer_suits(g);
    if (dx.data != nullptr || (dweight.data != nullptr && !first_layer)) {
      cpu::conv2d_backward_dnnl(g, dout.ptr<float>(), weight.ptr<float>(), x.ptr<float>(), saved.input.get(),
                                dx.ptr<float>(), first_layer ? nullptr : dweight.ptr<float>(),
                                dweight.data != nullptr && !first_layer ? dbias.ptr<float>() : nullptr);
    }
    if (first_layer) {
      NNLAB_DCHECK(saved.input == nullptr);  // the forward kept nothing for it
      cpu::conv2d_backward_weights_first_layer(g, x.ptr<float>(), dout.ptr<float>(), dweight.ptr<float>(),
                                               dbias.ptr<float>());
    }
    // The bias gradient alone is one sum per channel: the loops do it without any weight work.
    if (dweight.data == nullptr && dbias.data != nullptr) {
      cpu::conv2d_backward_weights_reference<float>(g, nullptr, dout.ptr<float>(), nullptr, dbias.ptr<float>());
    }
    return;
  }
  NNLAB_DCHECK(saved.input == nullptr);
  cpu::dispatch_floating(dout.dtype, [&]<typename T>() {
    if (dx.data != nullptr) cpu::conv2d_backward_data_reference<T>(g, dout.ptr<T>(), weight.ptr<T>(), dx.ptr<T>());
    if (dweight.data != nullptr || dbias.data != nullptr) {
      cpu::conv2d_backward_weights_reference<T>(g, x.ptr<T>(), dout.ptr<T>(), dweight.ptr<T>(), dbias.ptr<T>());
    }
  });
}

}  // namespace nnlab::kernels
