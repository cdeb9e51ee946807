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
// needed a conversion that backward-weights reads too (left empty otherwise: the backward then
// reads x).
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

// Number of cached oneDNN primitives (tests).
std::size_t conv_dnnl_cache_size();

}  // namespace nnlab::kernels::cpu
