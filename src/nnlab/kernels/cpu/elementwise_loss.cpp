// Elementwise losses on CPU: binary cross-entropy on logits and L1. Legend: x the input,
// t the target, g the upstream gradient of an element; all contiguous, one shape.
#include <algorithm>
#include <cmath>

#include "nnlab/kernels/cpu/loops.h"
#include "nnlab/kernels/loss.h"

namespace nnlab::kernels {
namespace {

// Calls fn(begin, end) on chunks of the elements, split across threads.
template <typename Fn>
void for_each_chunk(std::int64_t count, const Fn& fn) {
  parallel_for(0, count, cpu::kElementwiseGrain, fn);
}

// sigmoid without overflow: exp of a non-positive number only.
template <typename T>
T stable_sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

template <typename T>
void bce_forward_typed(const ConstView& input, const ConstView& target, const MutView& loss) {
  const T* x = input.ptr<T>();
  const T* t = target.ptr<T>();
  T* out = loss.ptr<T>();
  for_each_chunk(loss.numel(), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      out[i] = std::max(x[i], T(0)) - x[i] * t[i] + std::log1p(std::exp(-std::abs(x[i])));
    }
  });
}

template <typename T>
void bce_backward_typed(const ConstView& input, const ConstView& target, const ConstView& dloss, double scale,
                        const MutView& dinput, const MutView& dtarget) {
  const T* x = input.ptr<T>();
  const T* t = target.ptr<T>();
  const T* g = dloss.ptr<T>();
  const std::int64_t g_step = dloss.numel() == 1 ? 0 : 1;
  const T s = static_cast<T>(scale);
  T* dx = dinput.data == nullptr ? nullptr : dinput.ptr<T>();
  T* dt = dtarget.data == nullptr ? nullptr : dtarget.ptr<T>();
  for_each_chunk(input.numel(), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const T gi = s * g[i * g_step];
      if (dx != nullptr) dx[i] = gi * (stable_sigmoid(x[i]) - t[i]);
      if (dt != nullptr) dt[i] = -gi * x[i];
    }
  });
}

template <typename T>
void l1_forward_typed(const ConstView& input, const ConstView& target, const MutView& loss) {
  cpu::zip_contiguous(input.ptr<T>(), target.ptr<T>(), loss.ptr<T>(), loss.numel(),
                      [](T a, T b) { return std::abs(a - b); });
}

template <typename T>
void l1_backward_typed(const ConstView& input, const ConstView& target, const ConstView& dloss, double scale,
                       const MutView& dinput, const MutView& dtarget) {
  const T* a = input.ptr<T>();
  const T* b = target.ptr<T>();
  const T* g = dloss.ptr<T>();
  const std::int64_t g_step = dloss.numel() == 1 ? 0 : 1;
  const T s = static_cast<T>(scale);
  T* da = dinput.data == nullptr ? nullptr : dinput.ptr<T>();
  T* db = dtarget.data == nullptr ? nullptr : dtarget.ptr<T>();
  for_each_chunk(input.numel(), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const T sign = a[i] > b[i] ? T(1) : a[i] < b[i] ? T(-1) : T(0);
      const T d = s * g[i * g_step] * sign;
      if (da != nullptr) da[i] = d;
      if (db != nullptr) db[i] = -d;
    }
  });
}

}  // namespace

void binary_cross_entropy_with_logits_forward(const ConstView& input, const ConstView& target, const MutView& loss) {
  NNLAB_DCHECK(input.is_contiguous() && target.is_contiguous() && loss.is_contiguous());
  cpu::dispatch_floating(input.dtype, [&]<typename T>() { bce_forward_typed<T>(input, target, loss); });
}

void binary_cross_entropy_with_logits_backward(const ConstView& input, const ConstView& target, const ConstView& dloss,
                                               double scale, const MutView& dinput, const MutView& dtarget) {
  NNLAB_DCHECK(input.is_contiguous() && target.is_contiguous() && dloss.is_contiguous());
  cpu::dispatch_floating(input.dtype, [&]<typename T>() {
    bce_backward_typed<T>(input, target, dloss, scale, dinput, dtarget);
  });
}

void l1_loss_forward(const ConstView& input, const ConstView& target, const MutView& loss) {
  NNLAB_DCHECK(input.is_contiguous() && target.is_contiguous() && loss.is_contiguous());
  cpu::dispatch_floating(input.dtype, [&]<typename T>() { l1_forward_typed<T>(input, target, loss); });
}

void l1_loss_backward(const ConstView& input, const ConstView& target, const ConstView& dloss, double scale,
                      const MutView& dinput, const MutView& dtarget) {
  NNLAB_DCHECK(input.is_contiguous() && target.is_contiguous() && dloss.is_contiguous());
  cpu::dispatch_floating(input.dtype, [&]<typename T>() {
    l1_backward_typed<T>(input, target, dloss, scale, dinput, dtarget);
  });
}

}  // namespace nnlab::kernels
