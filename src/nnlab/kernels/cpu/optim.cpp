// Fused optimiser updates on CPU: one pass per parameter that reads the gradient once and
// writes the state and the parameter in place. Each update keeps torch.optim's order of
// operations (torch 1.13, single-tensor path), so float32 results agree to rounding.
// Legend: w parameter, g gradient (with weight decay folded in), n elements of one parameter.
#include "nnlab/kernels/optim.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <omp.h>

#include "nnlab/core/parallel.h"
#include "nnlab/kernels/cpu/isa.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

#define NNLAB_OPTIM_INLINE [[gnu::always_inline]] inline

// The scalars of one update converted to the element type once, outside the loops. The *_range
// loops take them by value: read through a reference they might alias the arrays written, and
// GCC then kept Adam's loop scalar (3.9 ns an element instead of 0.5 on AVX2).
template <typename T>
struct SgdArgs {
  T neg_lr, momentum, one_minus_dampening, weight_decay, l1;
  bool nesterov, has_momentum, first;
};

// Calls f.template operator()<Flags...>() with the run-time flags as template arguments: each
// combination of an update's options becomes its own loop without tests inside. With the tests
// in the loop GCC kept SGD with momentum or weight decay scalar (4-5x slower on AVX2).
template <bool... Known, typename F>
NNLAB_OPTIM_INLINE void with_flags(const F& f) {
  f.template operator()<Known...>();
}
template <bool... Known, typename F, typename... Rest>
NNLAB_OPTIM_INLINE void with_flags(const F& f, bool flag, Rest... rest) {
  if (flag) return with_flags<Known..., true>(f, rest...);
  with_flags<Known..., false>(f, rest...);
}

template <typename T>
NNLAB_OPTIM_INLINE void sgd_range(const SgdArgs<T> a, T* __restrict w, const T* __restrict grad, T* __restrict buf,
                                  std::int64_t n) {
  with_flags(
      [&]<bool Decay, bool L1, bool Momentum, bool First, bool Nesterov>() {
        for (std::int64_t i = 0; i < n; ++i) {
          T g = grad[i];
          if constexpr (Decay) g = g + a.weight_decay * w[i];
          if constexpr (L1) g = g + a.l1 * T((w[i] > T(0)) - (w[i] < T(0)));
          if constexpr (Momentum) {
            const T b = First ? g : buf[i] * a.momentum + a.one_minus_dampening * g;
            buf[i] = b;
            g = Nesterov ? g + a.momentum * b : b;
          }
          w[i] = w[i] + a.neg_lr * g;
        }
      },
      a.weight_decay != T(0), a.l1 != T(0), a.has_momentum, a.first, a.nesterov);
}

template <typename T>
struct AdamArgs {
  T neg_step_size, beta1, one_minus_beta1, beta2, one_minus_beta2, bias_correction2_sqrt, eps, weight_decay,
      decay_factor;
  bool amsgrad, decoupled;
};

template <typename T>
NNLAB_OPTIM_INLINE void adam_range(const AdamArgs<T> a, T* __restrict w, const T* __restrict grad, T* __restrict m,
                                   T* __restrict v, T* __restrict vmax, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    T g = grad[i];
    if (a.decoupled) {
      w[i] = w[i] * a.decay_factor;
    } else if (a.weight_decay != T(0)) {
      g = g + a.weight_decay * w[i];
    }
    const T mi = m[i] * a.beta1 + a.one_minus_beta1 * g;
    const T vi = v[i] * a.beta2 + a.one_minus_beta2 * g * g;
    m[i] = mi;
    v[i] = vi;
    T v_hat = vi;
    if (a.amsgrad) {
      v_hat = std::max(vmax[i], vi);
      vmax[i] = v_hat;
    }
    const T denom = std::sqrt(v_hat) / a.bias_correction2_sqrt + a.eps;
    w[i] = w[i] + a.neg_step_size * mi / denom;
  }
}

template <typename T>
struct RmspropArgs {
  T neg_lr, alpha, one_minus_alpha, eps, weight_decay, momentum;
  bool centered, has_momentum;
};

template <typename T>
NNLAB_OPTIM_INLINE void rmsprop_range(const RmspropArgs<T> a, T* __restrict w, const T* __restrict grad,
                                      T* __restrict square_avg, T* __restrict buf, T* __restrict grad_avg,
                                      std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    T g = grad[i];
    if (a.weight_decay != T(0)) g = g + a.weight_decay * w[i];
    const T s = square_avg[i] * a.alpha + a.one_minus_alpha * g * g;
    square_avg[i] = s;
    T avg;
    if (a.centered) {
      const T ga = grad_avg[i] * a.alpha + a.one_minus_alpha * g;
      grad_avg[i] = ga;
      avg = std::sqrt(s - ga * ga) + a.eps;
    } else {
      avg = std::sqrt(s) + a.eps;
    }
    if (a.has_momentum) {
      const T b = buf[i] * a.momentum + g / avg;
      buf[i] = b;
      w[i] = w[i] + a.neg_lr * b;
    } else {
      w[i] = w[i] + a.neg_lr * g / avg;
    }
  }
}

template <typename T>
struct AdagradArgs {
  T neg_clr, eps, weight_decay;
};

template <typename T>
NNLAB_OPTIM_INLINE void adagrad_range(const AdagradArgs<T> a, T* __restrict w, const T* __restrict grad,
                                      T* __restrict sum, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    T g = grad[i];
    if (a.weight_decay != T(0)) g = g + a.weight_decay * w[i];
    const T s = sum[i] + g * g;
    sum[i] = s;
    w[i] = w[i] + a.neg_clr * g / (std::sqrt(s) + a.eps);
  }
}

// One multi-versioned entry point per update and dtype (target_clones takes no templates).
NNLAB_ISA_CLONES void sgd_f32(const SgdArgs<float>& a, float* w, const float* g, float* b, std::int64_t n) {
  sgd_range(a, w, g, b, n);
}
NNLAB_ISA_CLONES void sgd_f64(const SgdArgs<double>& a, double* w, const double* g, double* b, std::int64_t n) {
  sgd_range(a, w, g, b, n);
}
NNLAB_ISA_CLONES void adam_f32(const AdamArgs<float>& a, float* w, const float* g, float* m, float* v, float* vmax,
                               std::int64_t n) {
  adam_range(a, w, g, m, v, vmax, n);
}
NNLAB_ISA_CLONES void adam_f64(const AdamArgs<double>& a, double* w, const double* g, double* m, double* v,
                               double* vmax, std::int64_t n) {
  adam_range(a, w, g, m, v, vmax, n);
}
NNLAB_ISA_CLONES void rmsprop_f32(const RmspropArgs<float>& a, float* w, const float* g, float* s, float* b, float* ga,
                                  std::int64_t n) {
  rmsprop_range(a, w, g, s, b, ga, n);
}
NNLAB_ISA_CLONES void rmsprop_f64(const RmspropArgs<double>& a, double* w, const double* g, double* s, double* b,
                                  double* ga, std::int64_t n) {
  rmsprop_range(a, w, g, s, b, ga, n);
}
NNLAB_ISA_CLONES void adagrad_f32(const AdagradArgs<float>& a, float* w, const float* g, float* s, std::int64_t n) {
  adagrad_range(a, w, g, s, n);
}
NNLAB_ISA_CLONES void adagrad_f64(const AdagradArgs<double>& a, double* w, const double* g, double* s, std::int64_t n) {
  adagrad_range(a, w, g, s, n);
}

void sgd_chunk(const SgdArgs<float>& a, float* w, const float* g, float* b, std::int64_t n) { sgd_f32(a, w, g, b, n); }
void sgd_chunk(const SgdArgs<double>& a, double* w, const double* g, double* b, std::int64_t n) {
  sgd_f64(a, w, g, b, n);
}
void adam_chunk(const AdamArgs<float>& a, float* w, const float* g, float* m, float* v, float* vm, std::int64_t n) {
  adam_f32(a, w, g, m, v, vm, n);
}
void adam_chunk(const AdamArgs<double>& a, double* w, const double* g, double* m, double* v, double* vm,
                std::int64_t n) {
  adam_f64(a, w, g, m, v, vm, n);
}
void rmsprop_chunk(const RmspropArgs<float>& a, float* w, const float* g, float* s, float* b, float* ga,
                   std::int64_t n) {
  rmsprop_f32(a, w, g, s, b, ga, n);
}
void rmsprop_chunk(const RmspropArgs<double>& a, double* w, const double* g, double* s, double* b, double* ga,
                   std::int64_t n) {
  rmsprop_f64(a, w, g, s, b, ga, n);
}
void adagrad_chunk(const AdagradArgs<float>& a, float* w, const float* g, float* s, std::int64_t n) {
  adagrad_f32(a, w, g, s, n);
}
void adagrad_chunk(const AdagradArgs<double>& a, double* w, const double* g, double* s, std::int64_t n) {
  adagrad_f64(a, w, g, s, n);
}

// Offsets a possibly-null state pointer to the first element of a chunk.
template <typename T>
T* at(void* p, std::int64_t begin) {
  return p ? static_cast<T*>(p) + begin : nullptr;
}

// Runs chunk(slot, typed pointers at `begin`, count) over every slot, threads splitting large ones.
template <typename T, typename Chunk>
void for_each_chunk(std::span<const OptimSlot> slots, const Chunk& chunk) {
  for (const OptimSlot& s : slots) {
    parallel_for(0, s.numel, cpu::kElementwiseGrain, [&](std::int64_t begin, std::int64_t end) {
      chunk(s, static_cast<T*>(s.param) + begin, static_cast<const T*>(s.grad) + begin, begin, end - begin);
    });
  }
}

}  // namespace

void sgd_step(DType dtype, std::span<const OptimSlot> slots, const SgdParams& p) {
  cpu::dispatch_floating(dtype, [&]<typename T>() {
    for_each_chunk<T>(slots, [&](const OptimSlot& s, T* w, const T* g, std::int64_t begin, std::int64_t n) {
      const SgdArgs<T> a{T(-p.lr), T(p.momentum), T(1 - p.dampening), T(p.weight_decay),
                         T(p.l1),  p.nesterov,    p.momentum != 0,    s.step == 1};
      sgd_chunk(a, w, g, at<T>(s.state[0], begin), n);
    });
  });
}

void adam_step(DType dtype, std::span<const OptimSlot> slots, const AdamParams& p) {
  cpu::dispatch_floating(dtype, [&]<typename T>() {
    for_each_chunk<T>(slots, [&](const OptimSlot& s, T* w, const T* g, std::int64_t begin, std::int64_t n) {
      const double t = static_cast<double>(s.step);
      const double bias_correction1 = 1 - std::pow(p.beta1, t);
      const double bias_correction2 = 1 - std::pow(p.beta2, t);
      const AdamArgs<T> a{T(-(p.lr / bias_correction1)),
                          T(p.beta1),
                          T(1 - p.beta1),
                          T(p.beta2),
                          T(1 - p.beta2),
                          T(std::sqrt(bias_correction2)),
                          T(p.eps),
                          T(p.weight_decay),
                          T(1 - p.lr * p.weight_decay),
                          p.amsgrad,
                          p.decoupled};
      adam_chunk(a, w, g, at<T>(s.state[0], begin), at<T>(s.state[1], begin), at<T>(s.state[2], begin), n);
    });
  });
}

void rmsprop_step(DType dtype, std::span<const OptimSlot> slots, const RmspropParams& p) {
  cpu::dispatch_floating(dtype, [&]<typename T>() {
    const RmspropArgs<T> a{T(-p.lr),          T(p.alpha),    T(1 - p.alpha), T(p.eps),
                           T(p.weight_decay), T(p.momentum), p.centered,     p.momentum > 0};
    for_each_chunk<T>(slots, [&](const OptimSlot& s, T* w, const T* g, std::int64_t begin, std::int64_t n) {
      rmsprop_chunk(a, w, g, at<T>(s.state[0], begin), at<T>(s.state[1], begin), at<T>(s.state[2], begin), n);
    });
  });
}

void adagrad_step(DType dtype, std::span<const OptimSlot> slots, const AdagradParams& p) {
  cpu::dispatch_floating(dtype, [&]<typename T>() {
    for_each_chunk<T>(slots, [&](const OptimSlot& s, T* w, const T* g, std::int64_t begin, std::int64_t n) {
      const double clr = p.lr / (1 + static_cast<double>(s.step - 1) * p.lr_decay);
      const AdagradArgs<T> a{T(-clr), T(p.eps), T(p.weight_decay)};
      adagrad_chunk(a, w, g, at<T>(s.state[0], begin), n);
    });
  });
}

namespace {

constexpr int kSquareLanes = 16;
// Elements per thread, at least: below 2^20 one thread is faster than waking a second one
// (make bench ARGS=P1: W2's 400k-element layer measured +5.8 % per step split, +2.8-4.0 % whole).
constexpr std::int64_t kSquaresGrain = std::int64_t{1} << 20;
constexpr std::int64_t kSquaresBlock = 64 * kSquareLanes;  // elements summed in the lanes' own type

// Σ x² of a contiguous run: 16 lanes of T (one vector of floats) over blocks of 1,024 elements,
// each block's lanes then added into double. A float block sum has at most 64 terms per lane:
// its relative rounding error stays near 64 * 2^-24 (PyTorch's float norms sum in float
// throughout), and the loop runs on whole float vectors instead of converting every element.
template <typename T>
inline double squares_run(const T* p, std::int64_t n) {
  double total = 0;
  std::int64_t i = 0;
  for (; i + kSquaresBlock <= n; i += kSquaresBlock) {
    T lanes[kSquareLanes] = {};
    for (std::int64_t j = i; j < i + kSquaresBlock; j += kSquareLanes) {
      for (int l = 0; l < kSquareLanes; ++l) lanes[l] += p[j + l] * p[j + l];
    }
    double block = 0;
    for (int l = 0; l < kSquareLanes; ++l) block += static_cast<double>(lanes[l]);
    total += block;
  }
  for (; i < n; ++i) total += static_cast<double>(p[i]) * static_cast<double>(p[i]);
  return total;
}
NNLAB_ISA_CLONES double squares_f32(const float* p, std::int64_t n) { return squares_run(p, n); }
NNLAB_ISA_CLONES double squares_f64(const double* p, std::int64_t n) { return squares_run(p, n); }

template <typename T>
double squares(const T* p, std::int64_t n) {
  if constexpr (std::is_same_v<T, float>) {
    return squares_f32(p, n);
  } else {
    return squares_f64(p, n);
  }
}

}  // namespace

double sum_of_squares(DType dtype, const void* x, std::int64_t n) {
  double total = 0;
  cpu::dispatch_floating(dtype, [&]<typename T>() {
    const T* p = static_cast<const T*>(x);
    const auto parts = static_cast<int>(std::min<std::int64_t>(num_threads(), n / kSquaresGrain));
    if (parts <= 1 || omp_in_parallel()) {
      total = squares(p, n);
      return;
    }
    double partial[256] = {};
    const int used = std::min(parts, 256);
#pragma omp parallel num_threads(used)
    {
      const std::int64_t t = omp_get_thread_num();
      const std::int64_t lo = n * t / used, hi = n * (t + 1) / used;
      partial[t] = squares(p + lo, hi - lo);
    }
    for (int t = 0; t < used; ++t) total += partial[t];  // in part order: reproducible
  });
  return total;
}

double grad_norm_partial(DType dtype, const void* x, std::int64_t n, double norm_type) {
  if (norm_type == 2) return sum_of_squares(dtype, x, n);
  double acc = 0;
  cpu::dispatch_floating(dtype, [&]<typename T>() {
    const T* p = static_cast<const T*>(x);
    if (std::isinf(norm_type)) {
      for (std::int64_t i = 0; i < n; ++i) acc = std::max(acc, static_cast<double>(std::abs(p[i])));
    } else {
      for (std::int64_t i = 0; i < n; ++i) acc += std::pow(std::abs(static_cast<double>(p[i])), norm_type);
    }
  });
  return acc;
}

void scale_inplace(DType dtype, void* x, std::int64_t n, double factor) {
  cpu::dispatch_floating(dtype, [&]<typename T>() {
    T* p = static_cast<T*>(x);
    cpu::map_contiguous(p, p, n, [f = T(factor)](T v) { return v * f; });
  });
}

void clamp_inplace(DType dtype, void* x, std::int64_t n, double lo, double hi) {
  cpu::dispatch_floating(dtype, [&]<typename T>() {
    T* p = static_cast<T*>(x);
    cpu::map_contiguous(p, p, n, [l = T(lo), h = T(hi)](T v) { return std::min(std::max(v, l), h); });
  });
}

}  // namespace nnlab::kernels
