// Elementwise arithmetic on CPU. Legend: a, b inputs broadcast to out's shape.
#include "nnlab/kernels/elementwise.h"

#include <algorithm>

#include "nnlab/core/replay.h"
#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

template <typename T>
void binary_typed(BinaryOp op, const ConstView& a, const ConstView& b, const MutView& out) {
  using cpu::zip_strided;
  switch (op) {
    case BinaryOp::add: return zip_strided<T>(a, b, out, [](T x, T y) { return x + y; });
    case BinaryOp::sub: return zip_strided<T>(a, b, out, [](T x, T y) { return x - y; });
    case BinaryOp::mul: return zip_strided<T>(a, b, out, [](T x, T y) { return x * y; });
    case BinaryOp::div: return zip_strided<T>(a, b, out, [](T x, T y) { return x / y; });
    // NaN wins, as in torch.maximum / torch.minimum.
    case BinaryOp::maximum: return zip_strided<T>(a, b, out, [](T x, T y) { return x != x || x > y ? x : y; });
    case BinaryOp::minimum: return zip_strided<T>(a, b, out, [](T x, T y) { return x != x || x < y ? x : y; });
  }
}

}  // namespace

void binary_forward(BinaryOp op, const ConstView& a, const ConstView& b, const MutView& out) {
  if (replay::Recording* recording = replay::active()) recording->add([=] { binary_forward(op, a, b, out); });
  cpu::dispatch_floating(out.dtype, [&]<typename T>() { binary_typed<T>(op, a, b, out); });
}

void axpby(double alpha, const ConstView& a, double beta, const ConstView& b, const MutView& out) {
  cpu::dispatch_floating(out.dtype, [&]<typename T>() {
    const T al = static_cast<T>(alpha), be = static_cast<T>(beta);
    cpu::zip_strided<T>(a, b, out, [al, be](T x, T y) { return al * x + be * y; });
  });
}

void scale(const ConstView& x, double alpha, const MutView& out) {
  NNLAB_DCHECK(x.is_contiguous() && out.is_contiguous());
  cpu::dispatch_floating(out.dtype, [&]<typename T>() {
    const T al = static_cast<T>(alpha);
    cpu::map_contiguous(x.ptr<T>(), out.ptr<T>(), out.numel(), [al](T v) { return v * al; });
  });
}

void fill(const MutView& out, double value) {
  NNLAB_DCHECK(out.is_contiguous());
  cpu::dispatch_floating(out.dtype, [&]<typename T>() {
    std::fill_n(out.ptr<T>(), out.numel(), static_cast<T>(value));
  });
}

}  // namespace nnlab::kernels
