#pragma once
// The CPU convolution backends behind kernels/conv.h, on typed contiguous NCHW buffers (see
// conv.h for the legend and the formulas). A null pointer means "none" for bias, dweight, dbias.
#include <cstddef>
#include <memory>

#include "nnlab/kernels/conv.h"

namespace nnlab::kernels::cpu {

// Direct loops accumulating in double, threaded over output planes: the float64 path, the path
// of tiny float32 problems, and the test oracle.
template <typename T>
void conv2d_forward_reference(const Conv2dGeometry& g, const T* x, const T* weight, const T* bias, T* out);
template <typename T>
void conv2d_backward_data_reference(const Conv2dGeometry& g, const T* dout, const T* weight, T* dx);
template <typename T>
void conv2d_backward_weights_reference(const Conv2dGeometry& g, const T* x, const T* dout, T* dweight, T* dbias);

// oneDNN convolution primitives (float32 only), cached by geometry; thread-safe. Use
// nnlab::num_threads() threads (the shared OpenMP pool).
// The forward keeps x as its primitive read it in *kept_input when kept_input is non-null and x
// needed a conversion (left empty otherwise).
void conv2d_forward_dnnl(const Conv2dGeometry& g, const float* x, const float* weight, const float* bias, float* out,
                         std::shared_ptr<const DnnlBuffer>* kept_input = nullptr);
// Both gradients of one call: dx when non-null (reads weight), dweight and dbias when dweight is
// non-null (reads kept_input if non-null, else x). dout is converted once for both.
void conv2d_backward_dnnl(const Conv2dGeometry& g, const float* dout, const float* weight, const float* x,
                          const DnnlBuffer* kept_input, float* dx, float* dweight, float* dbias);
// One gradient each (tests, benchmarks).
void conv2d_backward_data_dnnl(const Conv2dGeometry& g, const float* dout, const float* weight, float* dx);
void conv2d_backward_weights_dnnl(const Conv2dGeometry& g, const float* x, const float* dout, float* dweight,
                                  float* dbias);

// The gradients as matrix products over unfolded windows (cpu/conv_im2col.cpp), for float32
// layers with few output pixels per image (conv_im2col_suits: groups 1, OH·OW <= 16), where they
// beat oneDNN's direct kernels and their reorders. Each of dx, dweight, dbias is written when
// non-null; x is read for dweight, weight for dx.
bool conv_im2col_suits(const Conv2dGeometry& g);
void conv2d_backward_im2col(const Conv2dGeometry& g, const float* dout, const float* weight, const float* x, float* dx,
                            float* dweight, float* dbias);

// The weight (and bias) gradient of a float32 first layer (conv_first_layer_suits: groups 1,
// fewer than 8 input channels, 3x3, stride 1, no dilation) with the nine sums of each channel
// pair in registers (cpu/conv_first_layer.cpp). W4's 1 -> 32 channel layer on 128 images of
// 28x28 on the 2-core AVX2 machine: 1.0-1.6 ms on 2 threads (2.1-2.6 on one) against oneDNN's
// 7.8 ms a step (blocked layouts, the one channel padded to 8; ONEDNN_VERBOSE) or 4.1-5.7 ms on
// plain layouts (its gemm over unfolded windows); W4 and W5 ran 7 % and 6 % faster than with
// the latter.
// Sums that meet an infinity may come out NaN where the loops give an infinity.
bool conv_first_layer_suits(const Conv2dGeometry& g);
void conv2d_backward_weights_first_layer(const Conv2dGeometry& g, const float* x, const float* dout, float* dweight,
                                         float* dbias);

// Number of cached oneDNN primitives (tests).
std::size_t conv_dnnl_cache_size();

}  // namespace nnlab::kernels::cpu
