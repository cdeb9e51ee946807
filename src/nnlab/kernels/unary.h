#pragma once
// Elementwise unary math and activation kernels (dispatch: dtype and backend), and pow with a
// tensor exponent. Callers (ops/) have checked dtypes and arguments; x, out, the saved tensor,
// dout and dx of one call are contiguous and share a shape and a floating dtype.
#include <limits>
#include <string_view>

#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

enum class UnaryOp {
  exp, log, sqrt, pow, abs, sign, clamp, square, reciprocal, neg, sin, cos,    // math
  tanh, sigmoid, relu, leaky_relu, elu, gelu, gelu_tanh, softplus, quadratic,  // activations
  add_scalar, sub_scalar, rsub_scalar, mul_scalar, div_scalar, rdiv_scalar,  // x + c, x - c, c - x, x c, x / c, c / x
};

// The arguments of the ops that take any; each op reads only its own.
struct UnaryParams {
  double exponent = 1.0;                                      // pow
  double min = -std::numeric_limits<double>::infinity();      // clamp
  double max = std::numeric_limits<double>::infinity();       // clamp
  double negative_slope = 0.01;                               // leaky_relu
  double alpha = 1.0;                                         // elu
  double beta = 1.0;                                          // softplus
  double threshold = 20.0;                                    // softplus
  double scalar = 0.0;                                        // the *_scalar ops' c
};

// Which tensor an op's backward formula reads: the op's input x, its output y, or neither.
enum class UnarySaved { input, output, none };
UnarySaved unary_saved(UnaryOp op);

// The PyTorch name of the op ("leaky_relu"); gelu_tanh reads "gelu", the *_scalar ops the
// arithmetic they do ("add", "mul", "sub", "div").
std::string_view unary_name(UnaryOp op);

// out = f(x).
void unary_forward(UnaryOp op, const UnaryParams& params, const ConstView& x, const MutView& out);

// dx = dout · f'(x), written from `saved` (x or y, as unary_saved(op) says; ignored for none).
void unary_backward(UnaryOp op, const UnaryParams& params, const ConstView& saved, const ConstView& dout,
                    const MutView& dx);

// out = base ^ exponent, both broadcast to out's shape (stride 0 where stretched); out contiguous.
void pow_forward(const ConstView& base, const ConstView& exponent, const MutView& out);

// The two gradients of y = base ^ exponent, all of one shape and contiguous:
//   dbase     = dout · exponent · base^(exponent - 1), and 0 where exponent == 0;
//   dexponent = dout · y · ln(base), and 0 where base == 0 and exponent >= 0.
// Either output may have a null data pointer: it is then not computed.
void pow_backward(const ConstView& base, const ConstView& exponent, const ConstView& dout, const MutView& dbase,
                  const MutView& dexponent);

}  // namespace nnlab::kernels
