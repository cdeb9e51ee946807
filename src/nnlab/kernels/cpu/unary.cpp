// Unary math and activations on CPU, each op's forward and backward formula side by side.
// Legend: x input, y output, dy (g in the backward lambdas) and dx the gradients of y and x.
// float32 exp and tanh come from fast_math.h, so that their loops vectorise; float64 uses <cmath>.
#include "nnlab/kernels/unary.h"

#include <cmath>
#include <numbers>
#include <type_traits>

#include "nnlab/core/replay.h"
#include "nnlab/kernels/cpu/fast_math.h"
#include "nnlab/kernels/cpu/isa.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

using cpu::select;

// Everything up to the entry points is always_inline, so that it compiles into each ISA clone.
#define NNLAB_UNARY_INLINE [[gnu::always_inline]] inline

// UnaryParams converted to the element type once, outside the loops.
template <typename T>
struct Args {
  T exponent, min, max, negative_slope, alpha, beta, threshold, scalar;
};

template <typename T>
Args<T> to_args(const UnaryParams& p) {
  return {T(p.exponent), T(p.min), T(p.max), T(p.negative_slope), T(p.alpha), T(p.beta), T(p.threshold), T(p.scalar)};
}

template <typename T>
NNLAB_UNARY_INLINE T exp_of(T v) {
  if constexpr (std::is_same_v<T, float>) return cpu::fast_exp(v);
  else return std::exp(v);
}

template <typename T>
NNLAB_UNARY_INLINE T tanh_of(T v) {
  if constexpr (std::is_same_v<T, float>) return cpu::fast_tanh(v);
  else return std::tanh(v);
}

// 1 / (1 + e^-x) from e = e^-|x|, which cannot overflow: 1/(1 + e) for x >= 0, e/(1 + e) below.
template <typename T>
NNLAB_UNARY_INLINE T sigmoid_of(T v) {
  const T e = exp_of(-std::abs(v));
  const T r = T(1) / (T(1) + e);
  return select(v >= T(0), r, e * r);
}

// Φ(x), the standard normal CDF. erfc has no cancellation for x << 0, where 1 + erf(x/√2) has.
template <typename T>
NNLAB_UNARY_INLINE T normal_cdf(T v) {
  return T(0.5) * std::erfc(-v * T(std::numbers::sqrt2 / 2));
}

// u = √(2/π) (x + 0.044715 x³), the argument of tanh in gelu's tanh approximation.
template <typename T>
NNLAB_UNARY_INLINE T gelu_tanh_inner(T v) {
  return T(std::numbers::sqrt2 * std::numbers::inv_sqrtpi) * (v + T(0.044715) * v * v * v);
}

template <typename T, typename F>
NNLAB_UNARY_INLINE void map(const T* x, T* y, std::int64_t n, const F& f) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

template <typename T, typename F>
NNLAB_UNARY_INLINE void map2(const T* saved, const T* dy, T* dx, std::int64_t n, const F& f) {
  for (std::int64_t i = 0; i < n; ++i) dx[i] = f(saved[i], dy[i]);
}

template <typename T>
NNLAB_UNARY_INLINE void forward_range(UnaryOp op, const Args<T>& p, const T* x, T* y, std::int64_t n) {
  switch (op) {
    case UnaryOp::exp: return map(x, y, n, [](T v) { return exp_of(v); });
    case UnaryOp::log: return map(x, y, n, [](T v) { return std::log(v); });  // log(0) = -inf
    case UnaryOp::sqrt: return map(x, y, n, [](T v) { return std::sqrt(v); });
    case UnaryOp::pow:
      // x^2 is the common case (losses, norms): exact as x·x, and vectorised, which std::pow is not.
      if (p.exponent == T(2)) return map(x, y, n, [](T v) { return v * v; });
      return map(x, y, n, [e = p.exponent](T v) { return std::pow(v, e); });
    case UnaryOp::abs: return map(x, y, n, [](T v) { return std::abs(v); });
    // 0 at 0 and at NaN, as torch.sign.
    case UnaryOp::sign: return map(x, y, n, [](T v) { return T((T(0) < v) - (v < T(0))); });
    // A NaN passes through, as in torch.clamp.
    case UnaryOp::clamp:
      return map(x, y, n, [lo = p.min, hi = p.max](T v) { return select(v < lo, lo, select(v > hi, hi, v)); });
    case UnaryOp::square: return map(x, y, n, [](T v) { return v * v; });
    case UnaryOp::reciprocal: return map(x, y, n, [](T v) { return T(1) / v; });
    case UnaryOp::neg: return map(x, y, n, [](T v) { return -v; });
    case UnaryOp::sin: return map(x, y, n, [](T v) { return std::sin(v); });
    case UnaryOp::cos: return map(x, y, n, [](T v) { return std::cos(v); });
    case UnaryOp::tanh: return map(x, y, n, [](T v) { return tanh_of(v); });
    case UnaryOp::sigmoid: return map(x, y, n, [](T v) { return sigmoid_of(v); });
    // Written as x < 0 ? 0 : x so that NaN and -0 pass through, as in torch.relu.
    case UnaryOp::relu: return map(x, y, n, [](T v) { return select(v < T(0), T(0), v); });
    case UnaryOp::leaky_relu: return map(x, y, n, [s = p.negative_slope](T v) { return select(v > T(0), v, v * s); });
    case UnaryOp::elu: return map(x, y, n, [a = p.alpha](T v) { return select(v > T(0), v, a * std::expm1(v)); });
    case UnaryOp::gelu: return map(x, y, n, [](T v) { return v * normal_cdf(v); });
    // x (1 + tanh u) / 2 = x · sigmoid(2u): the same value, without 1 + tanh u cancelling for x << 0.
    case UnaryOp::gelu_tanh: return map(x, y, n, [](T v) { return v * sigmoid_of(T(2) * gelu_tanh_inner(v)); });
    // With z = beta x: log(1 + e^z) / beta = (max(z, 0) + log1p(e^-|z|)) / beta, which never
    // overflows; x itself where z > threshold, as torch.nn.functional.softplus.
    case UnaryOp::softplus:
      return map(x, y, n, [b = p.beta, t = p.threshold](T v) {
        const T z = b * v;
        return select(z > t, v, (std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)))) / b);
      });
    // E5's x (1 - x): a network with it is a linear model in the quadratic features of its input.
    case UnaryOp::quadratic: return map(x, y, n, [](T v) { return v * (T(1) - v); });
    case UnaryOp::add_scalar: return map(x, y, n, [c = p.scalar](T v) { return v + c; });
    case UnaryOp::sub_scalar: return map(x, y, n, [c = p.scalar](T v) { return v - c; });
    case UnaryOp::rsub_scalar: return map(x, y, n, [c = p.scalar](T v) { return c - v; });
    case UnaryOp::mul_scalar: return map(x, y, n, [c = p.scalar](T v) { return v * c; });
    case UnaryOp::div_scalar: return map(x, y, n, [c = p.scalar](T v) { return v / c; });
    case UnaryOp::rdiv_scalar: return map(x, y, n, [c = p.scalar](T v) { return c / v; });
  }
}

template <typename T>
NNLAB_UNARY_INLINE void backward_range(UnaryOp op, const Args<T>& p, const T* s, const T* dy, T* dx, std::int64_t n) {
  switch (op) {
    case UnaryOp::exp: return map2(s, dy, dx, n, [](T y, T g) { return g * y; });            // dx = dy · y
    case UnaryOp::log: return map2(s, dy, dx, n, [](T x, T g) { return g / x; });            // dx = dy / x
    case UnaryOp::sqrt: return map2(s, dy, dx, n, [](T y, T g) { return g / (T(2) * y); });  // dx = dy / 2y
    case UnaryOp::pow:  // dx = dy · p · x^(p-1), and 0 for p = 0 (no 0 · inf at x = 0), as torch
      if (p.exponent == T(0)) return map2(s, dy, dx, n, [](T, T) { return T(0); });
      if (p.exponent == T(2)) return map2(s, dy, dx, n, [](T x, T g) { return g * T(2) * x; });
      return map2(s, dy, dx, n, [e = p.exponent](T x, T g) { return g * e * std::pow(x, e - T(1)); });
    case UnaryOp::abs:  // dx = dy · sign(x), 0 at x = 0
      return map2(s, dy, dx, n, [](T x, T g) { return g * T((T(0) < x) - (x < T(0))); });
    case UnaryOp::sign: return map2(s, dy, dx, n, [](T, T) { return T(0); });  // dx = 0
    case UnaryOp::clamp:  // dx = dy where min <= x <= max (bounds included, as torch), else 0
      return map2(s, dy, dx, n, [lo = p.min, hi = p.max](T x, T g) { return select((x >= lo) & (x <= hi), g, T(0)); });
    case UnaryOp::square: return map2(s, dy, dx, n, [](T x, T g) { return g * T(2) * x; });      // dx = dy · 2x
    case UnaryOp::reciprocal: return map2(s, dy, dx, n, [](T y, T g) { return -g * y * y; });    // dx = -dy · y²
    case UnaryOp::neg: return map2(s, dy, dx, n, [](T, T g) { return -g; });                     // dx = -dy
    case UnaryOp::sin: return map2(s, dy, dx, n, [](T x, T g) { return g * std::cos(x); });      // dx = dy · cos x
    case UnaryOp::cos: return map2(s, dy, dx, n, [](T x, T g) { return -g * std::sin(x); });     // dx = -dy · sin x
    case UnaryOp::tanh: return map2(s, dy, dx, n, [](T y, T g) { return g * (T(1) - y * y); });  // dx = dy (1 - y²)
    case UnaryOp::sigmoid:  // dx = dy · y (1 - y)
      return map2(s, dy, dx, n, [](T y, T g) { return g * y * (T(1) - y); });
    // dx = dy where y > 0, else 0: also 0 at x = 0, as in PyTorch.
    case UnaryOp::relu: return map2(s, dy, dx, n, [](T y, T g) { return select(y > T(0), g, T(0)); });
    case UnaryOp::leaky_relu:  // dx = dy for x > 0, dy · negative_slope otherwise
      return map2(s, dy, dx, n, [sl = p.negative_slope](T x, T g) { return select(x > T(0), g, g * sl); });
    case UnaryOp::elu:  // dx = dy for x > 0, dy · alpha · e^x otherwise
      return map2(s, dy, dx, n, [a = p.alpha](T x, T g) { return select(x > T(0), g, g * a * std::exp(x)); });
    case UnaryOp::gelu:  // dx = dy (Φ(x) + x φ(x)), φ(x) = e^(-x²/2) / √(2π)
      return map2(s, dy, dx, n, [](T x, T g) {
        const T pdf = T(std::numbers::inv_sqrtpi / std::numbers::sqrt2) * std::exp(T(-0.5) * x * x);
        return g * (normal_cdf(x) + x * pdf);
      });
    case UnaryOp::gelu_tanh:  // y = x σ(2u): dx = dy (σ + 2x σ (1 - σ) u'), u' = √(2/π)(1 + 3·0.044715 x²)
      return map2(s, dy, dx, n, [](T x, T g) {
        const T sig = sigmoid_of(T(2) * gelu_tanh_inner(x));
        const T du = T(std::numbers::sqrt2 * std::numbers::inv_sqrtpi) * (T(1) + T(3 * 0.044715) * x * x);
        return g * (sig + T(2) * x * sig * (T(1) - sig) * du);
      });
    case UnaryOp::softplus:  // dx = dy · σ(beta x), and dy where beta x > threshold
      return map2(s, dy, dx, n, [b = p.beta, t = p.threshold](T x, T g) {
        const T z = b * x;
        return select(z > t, g, g * sigmoid_of(z));
      });
    case UnaryOp::quadratic:  // dx = dy (1 - 2x)
      return map2(s, dy, dx, n, [](T x, T g) { return g * (T(1) - T(2) * x); });
    case UnaryOp::add_scalar:
    case UnaryOp::sub_scalar: return map2(s, dy, dx, n, [](T, T g) { return g; });                     // dx = dy
    case UnaryOp::rsub_scalar: return map2(s, dy, dx, n, [](T, T g) { return -g; });                   // dx = -dy
    case UnaryOp::mul_scalar: return map2(s, dy, dx, n, [c = p.scalar](T, T g) { return g * c; });    // dx = dy c
    case UnaryOp::div_scalar: return map2(s, dy, dx, n, [c = p.scalar](T, T g) { return g / c; });    // dx = dy / c
    case UnaryOp::rdiv_scalar:  // dx = -dy c / x², as ((dy / x) c) / x, the order div's backward uses
      return map2(s, dy, dx, n, [c = p.scalar](T x, T g) { return -((g / x) * c / x); });
  }
}

#undef NNLAB_UNARY_INLINE

NNLAB_ISA_CLONES
void forward_f32(UnaryOp op, const Args<float>& p, const float* x, float* y, std::int64_t n) {
  forward_range(op, p, x, y, n);
}

NNLAB_ISA_CLONES
void forward_f64(UnaryOp op, const Args<double>& p, const double* x, double* y, std::int64_t n) {
  forward_range(op, p, x, y, n);
}

NNLAB_ISA_CLONES
void backward_f32(UnaryOp op, const Args<float>& p, const float* s, const float* dy, float* dx, std::int64_t n) {
  backward_range(op, p, s, dy, dx, n);
}

NNLAB_ISA_CLONES
void backward_f64(UnaryOp op, const Args<double>& p, const double* s, const double* dy, double* dx,
                  std::int64_t n) {
  backward_range(op, p, s, dy, dx, n);
}

}  // namespace

UnarySaved unary_saved(UnaryOp op) {
  switch (op) {
    case UnaryOp::exp:
    case UnaryOp::sqrt:
    case UnaryOp::reciprocal:
    case UnaryOp::tanh:
    case UnaryOp::sigmoid:
    case UnaryOp::relu: return UnarySaved::output;
    case UnaryOp::sign:
    case UnaryOp::neg:
    case UnaryOp::add_scalar:
    case UnaryOp::sub_scalar:
    case UnaryOp::rsub_scalar:
    case UnaryOp::mul_scalar:
    case UnaryOp::div_scalar: return UnarySaved::none;
    case UnaryOp::log:
    case UnaryOp::pow:
    case UnaryOp::abs:
    case UnaryOp::sin:
    case UnaryOp::cos:
    case UnaryOp::clamp:
    case UnaryOp::square:
    case UnaryOp::leaky_relu:
    case UnaryOp::elu:
    case UnaryOp::gelu:
    case UnaryOp::gelu_tanh:
    case UnaryOp::softplus:
    case UnaryOp::quadratic:
    case UnaryOp::rdiv_scalar: return UnarySaved::input;
  }
  NNLAB_UNREACHABLE("kernels::unary_saved: op");
}

std::string_view unary_name(UnaryOp op) {
  static constexpr std::string_view kNames[] = {
      "exp",  "log",     "sqrt", "pow",        "abs", "sign", "clamp", "square",   "reciprocal", "neg",
      "sin",  "cos",
      "tanh", "sigmoid", "relu", "leaky_relu", "elu", "gelu", "gelu",  "softplus", "quadratic",
      "add",  "sub",     "sub",  "mul",        "div", "div",
  };
  return kNames[static_cast<int>(op)];
}

void unary_forward(UnaryOp op, const UnaryParams& params, const ConstView& x, const MutView& out) {
  if (replay::Recording* recording = replay::active()) recording->add([=] { unary_forward(op, params, x, out); });
  NNLAB_DCHECK(x.is_contiguous() && out.is_contiguous() && x.shape == out.shape && x.dtype == out.dtype);
  cpu::dispatch_floating(out.dtype, [&]<typename T>() {
    const Args<T> args = to_args<T>(params);
    const T* px = x.ptr<T>();
    T* py = out.ptr<T>();
    parallel_for(0, out.numel(), cpu::kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
      if constexpr (std::is_same_v<T, float>) forward_f32(op, args, px + begin, py + begin, end - begin);
      else forward_f64(op, args, px + begin, py + begin, end - begin);
    });
  });
}

void unary_backward(UnaryOp op, const UnaryParams& params, const ConstView& saved, const ConstView& dout,
                    const MutView& dx) {
  if (replay::Recording* recording = replay::active())
    recording->add([=] { unary_backward(op, params, saved, dout, dx); });
  NNLAB_DCHECK(dout.is_contiguous() && dx.is_contiguous() && dout.shape == dx.shape);
  NNLAB_DCHECK(unary_saved(op) == UnarySaved::none || (saved.is_contiguous() && saved.shape == dx.shape));
  cpu::dispatch_floating(dx.dtype, [&]<typename T>() {
    const Args<T> args = to_args<T>(params);
    // An op that saves nothing gets dout in saved's place; its formula does not read it.
    const T* ps = unary_saved(op) == UnarySaved::none ? dout.ptr<T>() : saved.ptr<T>();
    const T* pg = dout.ptr<T>();
    T* pd = dx.ptr<T>();
    parallel_for(0, dx.numel(), cpu::kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
      if constexpr (std::is_same_v<T, float>) backward_f32(op, args, ps + begin, pg + begin, pd + begin, end - begin);
      else backward_f64(op, args, ps + begin, pg + begin, pd + begin, end - begin);
    });
  });
}

void pow_forward(const ConstView& base, const ConstView& exponent, const MutView& out) {
  cpu::dispatch_floating(out.dtype, [&]<typename T>() {
    cpu::zip_strided<T>(base, exponent, out, [](T a, T e) { return std::pow(a, e); });
  });
}

void pow_backward(const ConstView& base, const ConstView& exponent, const ConstView& dout, const MutView& dbase,
                  const MutView& dexponent) {
  NNLAB_DCHECK(base.is_contiguous() && exponent.is_contiguous() && dout.is_contiguous());
  cpu::dispatch_floating(dout.dtype, [&]<typename T>() {
    const T* a = base.ptr<T>();
    const T* e = exponent.ptr<T>();
    const T* g = dout.ptr<T>();
    T* da = dbase.ptr<T>();
    T* de = dexponent.ptr<T>();
    parallel_for(0, dout.numel(), cpu::kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
      // dbase = dy · e · a^(e-1), 0 where e = 0 (no 0 · inf at a = 0), as torch
      if (da != nullptr) {
        for (std::int64_t i = begin; i < end; ++i) {
          da[i] = e[i] == T(0) ? T(0) : g[i] * e[i] * std::pow(a[i], e[i] - T(1));
        }
      }
      // dexponent = dy · a^e · ln a, 0 where a = 0 and e >= 0 (the limit, not 0 · -inf), as torch
      if (de != nullptr) {
        for (std::int64_t i = begin; i < end; ++i) {
          de[i] = a[i] == T(0) && e[i] >= T(0) ? T(0) : g[i] * std::pow(a[i], e[i]) * std::log(a[i]);
        }
      }
    });
  });
}

}  // namespace nnlab::kernels
