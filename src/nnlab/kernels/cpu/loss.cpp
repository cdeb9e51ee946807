// Class-index losses on CPU, one row (sample) at a time: fused cross-entropy, NLL, the
// multi-class hinge and the perceptron criterion. Legend: x (N, C) logits or scores,
// t (N) int64 targets, g the upstream gradient of a row. Cross-entropy, the hot path of every
// classifier, runs through entry points compiled per instruction set (see row_ops.h).
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "nnlab/kernels/cpu/loops.h"
#include "nnlab/kernels/cpu/row_ops.h"
#include "nnlab/kernels/loss.h"

namespace nnlab::kernels {
namespace {

// Elements per thread, at least: PyTorch's grain. With 1 << 13, a 1024 x 10 loss went to two
// threads and took 0.3 ms or more where one thread takes 0.08 ms (W3 at batch 1024).
constexpr std::int64_t kRowGrain = 1 << 15;

// Calls fn(n, row of x, t_n) for every row, rows split across threads.
template <typename T, typename Fn>
void for_each_sample(const ConstView& input, const ConstView& target, const Fn& fn) {
  const std::int64_t rows = input.shape[0], classes = input.shape[1];
  const T* x = input.ptr<T>();
  const std::int64_t* t = target.ptr<std::int64_t>();
  const std::int64_t grain = std::max<std::int64_t>(1, kRowGrain / std::max<std::int64_t>(classes, 1));
  parallel_for(0, rows, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t n = begin; n < end; ++n) fn(n, x + n * classes, t[n]);
  });
}

// The upstream gradient of row n: one value per row, or one for all.
template <typename T>
double row_gradient(const ConstView& dloss, double scale, std::int64_t n) {
  return scale * static_cast<double>(dloss.ptr<T>()[dloss.numel() == 1 ? 0 : n]);
}

// The fused cross-entropy over rows [begin, end): everything both directions read and write.
template <typename T>
struct CrossEntropyRows {
  const T* x = nullptr;                  // (N, C)
  const std::int64_t* target = nullptr;  // (N)
  std::int64_t classes = 0;
  std::int64_t ignore_index = -100;
  double smoothing = 0.0;
  double* lse_out = nullptr;        // (N), forward: log sum_c e^x[n, c]
  T* loss = nullptr;                // (N), forward
  const double* lse = nullptr;      // (N), backward: the forward's lse_out
  const T* dloss = nullptr;     // (N) or (1), backward
  std::int64_t dloss_step = 0;  // 1, or 0 for one value for all rows
  double scale = 1.0;
  T* dx = nullptr;  // (N, C), backward
};

template <typename T>
NNLAB_ROW_INLINE void cross_entropy_forward_rows(const CrossEntropyRows<T>& p, std::int64_t begin, std::int64_t end) {
  for (std::int64_t n = begin; n < end; ++n) {
    const T* x = p.x + n * p.classes;
    const std::int64_t t = p.target[n];
    // lse = max + log sum e^(x - max): the largest term is exactly 1, so nothing overflows.
    const T max = cpu::row_max(x, p.classes);
    const double lse = static_cast<double>(max) + std::log(cpu::row_exp_sum(x, max, p.classes));
    const double total = p.smoothing > 0 ? cpu::row_sum(x, p.classes) : 0.0;
    p.lse_out[n] = lse;
    if (t == p.ignore_index) {
      p.loss[n] = T(0);
    } else {
      p.loss[n] = static_cast<T>(lse - (1.0 - p.smoothing) * x[t] - p.smoothing / p.classes * total);
    }
  }
}

template <typename T>
NNLAB_ROW_INLINE void cross_entropy_backward_rows(const CrossEntropyRows<T>& p, std::int64_t begin, std::int64_t end) {
  const T off_target = static_cast<T>(p.smoothing / p.classes);
  for (std::int64_t n = begin; n < end; ++n) {
    const T* x = p.x + n * p.classes;
    T* dx = p.dx + n * p.classes;
    const std::int64_t t = p.target[n];
    if (t == p.ignore_index) {
      std::fill_n(dx, p.classes, T(0));
      continue;
    }
    const T g = static_cast<T>(p.scale * static_cast<double>(p.dloss[n * p.dloss_step]));
    // lse as hi + lo in the working dtype: (x - hi) - lo is exact where it matters (x near lse,
    // by Sterbenz's lemma) and vectorises, where float32(lse) alone would be 6e-5 off near 1000.
    const T hi = static_cast<T>(p.lse[n]), lo = static_cast<T>(p.lse[n] - static_cast<double>(hi));
    for (std::int64_t c = 0; c < p.classes; ++c) dx[c] = g * (cpu::exp_of((x[c] - hi) - lo) - off_target);
    dx[t] -= g * static_cast<T>(1.0 - p.smoothing);
  }
}

// The entry points: one per dtype and direction, each compiled per instruction set.
NNLAB_ISA_CLONES void cross_entropy_rows_f32(bool backward, const CrossEntropyRows<float>& p, std::int64_t begin,
                                             std::int64_t end) {
  if (backward) {
    cross_entropy_backward_rows(p, begin, end);
  } else {
    cross_entropy_forward_rows(p, begin, end);
  }
}

NNLAB_ISA_CLONES void cross_entropy_rows_f64(bool backward, const CrossEntropyRows<double>& p, std::int64_t begin,
                                             std::int64_t end) {
  if (backward) {
    cross_entropy_backward_rows(p, begin, end);
  } else {
    cross_entropy_forward_rows(p, begin, end);
  }
}

template <typename T>
void cross_entropy_rows(bool backward, const CrossEntropyRows<T>& p, std::int64_t rows) {
  const std::int64_t grain = std::max<std::int64_t>(1, kRowGrain / std::max<std::int64_t>(p.classes, 1));
  parallel_for(0, rows, grain, [&](std::int64_t begin, std::int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      cross_entropy_rows_f32(backward, p, begin, end);
    } else {
      cross_entropy_rows_f64(backward, p, begin, end);
    }
  });
}

template <typename T>
CrossEntropyRows<T> cross_entropy_rows_of(const ConstView& input, const ConstView& target, std::int64_t ignore_index,
                                          double smoothing) {
  CrossEntropyRows<T> p;
  p.x = input.ptr<T>();
  p.target = target.ptr<std::int64_t>();
  p.classes = input.shape[1];
  p.ignore_index = ignore_index;
  p.smoothing = smoothing;
  return p;
}

template <typename T>
void multi_margin_forward_typed(const ConstView& input, const ConstView& target, int p, double margin,
                                const MutView& loss) {
  const std::int64_t classes = input.shape[1];
  for_each_sample<T>(input, target, [&](std::int64_t n, const T* x, std::int64_t t) {
    double sum = 0.0;
    for (std::int64_t j = 0; j < classes; ++j) {
      const double hinge = margin - x[t] + x[j];
      if (j != t && hinge > 0) sum += p == 1 ? hinge : hinge * hinge;
    }
    loss.ptr<T>()[n] = static_cast<T>(sum / classes);
  });
}

template <typename T>
void multi_margin_backward_typed(const ConstView& input, const ConstView& target, int p, double margin,
                                 const ConstView& dloss, double scale, const MutView& dinput) {
  const std::int64_t classes = input.shape[1];
  for_each_sample<T>(input, target, [&](std::int64_t n, const T* x, std::int64_t t) {
    T* dx = dinput.ptr<T>() + n * classes;
    const double g = row_gradient<T>(dloss, scale, n) / classes;
    double to_target = 0.0;
    for (std::int64_t j = 0; j < classes; ++j) {
      const double hinge = margin - x[t] + x[j];
      const double d = j != t && hinge > 0 ? (p == 1 ? g : 2.0 * hinge * g) : 0.0;
      dx[j] = static_cast<T>(d);
      to_target -= d;
    }
    dx[t] = static_cast<T>(to_target);
  });
}

// The first position of the row's max.
template <typename T>
std::int64_t first_argmax(const T* x, std::int64_t classes) {
  return std::max_element(x, x + classes) - x;
}

template <typename T>
void perceptron_forward_typed(const ConstView& input, const ConstView& target, const MutView& loss) {
  const std::int64_t classes = input.shape[1];
  for_each_sample<T>(input, target, [&](std::int64_t n, const T* x, std::int64_t t) {
    loss.ptr<T>()[n] = x[first_argmax(x, classes)] - x[t];
  });
}

template <typename T>
void perceptron_backward_typed(const ConstView& input, const ConstView& target, const ConstView& dloss, double scale,
                               const MutView& dinput) {
  const std::int64_t classes = input.shape[1];
  for_each_sample<T>(input, target, [&](std::int64_t n, const T* x, std::int64_t t) {
    T* dx = dinput.ptr<T>() + n * classes;
    std::fill_n(dx, classes, T(0));
    const std::int64_t predicted = first_argmax(x, classes);
    if (predicted == t) return;
    const T g = static_cast<T>(row_gradient<T>(dloss, scale, n));
    dx[predicted] = g;
    dx[t] = -g;
  });
}

}  // namespace

void cross_entropy_forward(const ConstView& input, const ConstView& target, std::int64_t ignore_index,
                           double label_smoothing, const MutView& loss, const MutView& logsumexp) {
  NNLAB_DCHECK(input.is_contiguous() && input.shape.rank() == 2 && logsumexp.dtype == DType::f64);
  cpu::dispatch_floating(input.dtype, [&]<typename T>() {
    auto p = cross_entropy_rows_of<T>(input, target, ignore_index, label_smoothing);
    p.lse_out = logsumexp.ptr<double>();
    p.loss = loss.ptr<T>();
    cross_entropy_rows(/*backward=*/false, p, input.shape[0]);
  });
}

void cross_entropy_backward(const ConstView& input, const ConstView& target, const ConstView& logsumexp,
                            const ConstView& dloss, double scale, std::int64_t ignore_index, double label_smoothing,
                            const MutView& dinput) {
  NNLAB_DCHECK(input.is_contiguous() && dinput.is_contiguous() && dloss.is_contiguous());
  cpu::dispatch_floating(input.dtype, [&]<typename T>() {
    auto p = cross_entropy_rows_of<T>(input, target, ignore_index, label_smoothing);
    p.lse = logsumexp.ptr<double>();
    p.dloss = dloss.ptr<T>();
    p.dloss_step = dloss.numel() == 1 ? 0 : 1;
    p.scale = scale;
    p.dx = dinput.ptr<T>();
    cross_entropy_rows(/*backward=*/true, p, input.shape[0]);
  });
}

void nll_loss_forward(const ConstView& input, const ConstView& target, std::int64_t ignore_index, const MutView& loss) {
  NNLAB_DCHECK(input.is_contiguous() && input.shape.rank() == 2);
  cpu::dispatch_floating(input.dtype, [&]<typename T>() {
    for_each_sample<T>(input, target, [&](std::int64_t n, const T* x, std::int64_t t) {
      loss.ptr<T>()[n] = t == ignore_index ? T(0) : -x[t];
    });
  });
}

void nll_loss_backward(const ConstView& target, const ConstView& dloss, double scale, std::int64_t ignore_index,
                       const MutView& dinput) {
  NNLAB_DCHECK(dinput.is_contiguous() && dinput.shape.rank() == 2);
  cpu::dispatch_floating(dinput.dtype, [&]<typename T>() {
    const std::int64_t classes = dinput.shape[1];
    for_each_sample<T>(dinput, target, [&](std::int64_t n, const T*, std::int64_t t) {
      T* dx = dinput.ptr<T>() + n * classes;
      std::fill_n(dx, classes, T(0));
      if (t != ignore_index) dx[t] = static_cast<T>(-row_gradient<T>(dloss, scale, n));
    });
  });
}

void multi_margin_loss_forward(const ConstView& input, const ConstView& target, int p, double margin,
                               const MutView& loss) {
  cpu::dispatch_floating(input.dtype, [&]<typename T>() {
    multi_margin_forward_typed<T>(input, target, p, margin, loss);
  });
}

void multi_margin_loss_backward(const ConstView& input, const ConstView& target, int p, double margin,
                                const ConstView& dloss, double scale, const MutView& dinput) {
  cpu::dispatch_floating(input.dtype, [&]<typename T>() {
    multi_margin_backward_typed<T>(input, target, p, margin, dloss, scale, dinput);
  });
}

void perceptron_loss_forward(const ConstView& input, const ConstView& target, const MutView& loss) {
  cpu::dispatch_floating(input.dtype, [&]<typename T>() { perceptron_forward_typed<T>(input, target, loss); });
}

void perceptron_loss_backward(const ConstView& input, const ConstView& target, const ConstView& dloss, double scale,
                              const MutView& dinput) {
  cpu::dispatch_floating(input.dtype, [&]<typename T>() {
    perceptron_backward_typed<T>(input, target, dloss, scale, dinput);
  });
}

}  // namespace nnlab::kernels
