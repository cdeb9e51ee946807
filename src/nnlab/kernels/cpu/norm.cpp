// Batch normalisation on CPU (see kernels/norm.h for the legend). Work is split over blocks of
// channels; inside a block the loops run n -> c -> l, so both (N, C) rows (L == 1) and
// (N, C, L) planes are read sequentially; (N, C) input has loops of its own whose innermost
// level runs over channels and vectorises. Per-channel sums accumulate in float64, in the same
// order on both paths.
#include "nnlab/kernels/norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

constexpr std::int64_t kNormGrain = 1 << 14;  // elements per thread, at least

struct Layout {
  std::int64_t batch = 1;     // N
  std::int64_t channels = 1;  // C
  std::int64_t inner = 1;     // L
};

Layout layout_of(const Shape& shape) {
  Layout layout{shape[0], shape[1], 1};
  for (int d = 2; d < shape.rank(); ++d) layout.inner *= shape[d];
  return layout;
}

// Calls fn(c0, c1) over blocks of channels, in parallel when the work is large enough.
template <typename Fn>
void for_channel_blocks(const Layout& n, const Fn& fn) {
  const std::int64_t per_channel = std::max<std::int64_t>(n.batch * n.inner, 1);
  const std::int64_t grain = std::max<std::int64_t>(1, kNormGrain / per_channel);
  parallel_for(0, n.channels, grain, fn);
}

// Calls body(c, at) for every contiguous run of channel c within [c0, c1): one run of L elements
// per (n, c), starting at element `at`.
template <typename Body>
void for_runs(const Layout& n, std::int64_t c0, std::int64_t c1, const Body& body) {
  for (std::int64_t b = 0; b < n.batch; ++b) {
    for (std::int64_t c = c0; c < c1; ++c) body(c, (b * n.channels + c) * n.inner);
  }
}

template <typename T>
void stats_typed(const ConstView& xv, const MutView& mean_v, const MutView& var_v) {
  const Layout n = layout_of(xv.shape);
  const T* x = xv.ptr<T>();
  const double count = static_cast<double>(n.batch * n.inner);
  for_channel_blocks(n, [&](std::int64_t c0, std::int64_t c1) {
    std::vector<double> sum(static_cast<std::size_t>(c1 - c0), 0.0), sq(sum.size(), 0.0);
    if (n.inner == 1) {
      double* __restrict acc = sum.data();
      for (std::int64_t r = 0; r < n.batch; ++r) {
        const T* __restrict row = x + r * n.channels + c0;
        for (std::int64_t c = 0; c < c1 - c0; ++c) acc[c] += static_cast<double>(row[c]);
      }
    } else {
      for_runs(n, c0, c1, [&](std::int64_t c, std::int64_t at) {
        double s = 0.0;
        for (std::int64_t l = 0; l < n.inner; ++l) s += static_cast<double>(x[at + l]);
        sum[static_cast<std::size_t>(c - c0)] += s;
      });
    }
    for (double& s : sum) s /= count;  // now the mean
    if (n.inner == 1) {
      const double* __restrict m = sum.data();
      double* __restrict acc = sq.data();
      for (std::int64_t r = 0; r < n.batch; ++r) {
        const T* __restrict row = x + r * n.channels + c0;
        for (std::int64_t c = 0; c < c1 - c0; ++c) acc[c] += (row[c] - m[c]) * (row[c] - m[c]);
      }
    } else {
      for_runs(n, c0, c1, [&](std::int64_t c, std::int64_t at) {
        const double m = sum[static_cast<std::size_t>(c - c0)];
        double s = 0.0;
        for (std::int64_t l = 0; l < n.inner; ++l) s += (x[at + l] - m) * (x[at + l] - m);
        sq[static_cast<std::size_t>(c - c0)] += s;
      });
    }
    for (std::int64_t c = c0; c < c1; ++c) {
      mean_v.ptr<T>()[c] = static_cast<T>(sum[static_cast<std::size_t>(c - c0)]);
      var_v.ptr<T>()[c] = static_cast<T>(sq[static_cast<std::size_t>(c - c0)] / count);
    }
  });
}

template <typename T>
void forward_typed(const ConstView& xv, const ConstView& mean, const ConstView& invstd, const ConstView& weight,
                   const ConstView& bias, const MutView& outv) {
  const Layout n = layout_of(xv.shape);
  const T* x = xv.ptr<T>();
  T* out = outv.ptr<T>();
  // out = x * scale + shift, scale = invstd * weight, shift = bias - mean * scale.
  std::vector<T> scale(static_cast<std::size_t>(n.channels)), shift(scale.size());
  for (std::int64_t c = 0; c < n.channels; ++c) {
    const T w = weight.data ? weight.ptr<T>()[c] : T(1);
    const T b = bias.data ? bias.ptr<T>()[c] : T(0);
    scale[static_cast<std::size_t>(c)] = invstd.ptr<T>()[c] * w;
    shift[static_cast<std::size_t>(c)] = b - mean.ptr<T>()[c] * scale[static_cast<std::size_t>(c)];
  }
  for_channel_blocks(n, [&](std::int64_t c0, std::int64_t c1) {
    if (n.inner == 1) {
      const T* __restrict a = scale.data();
      const T* __restrict b = shift.data();
      for (std::int64_t r = 0; r < n.batch; ++r) {
        const T* __restrict row = x + r * n.channels;
        T* __restrict out_row = out + r * n.channels;
        for (std::int64_t c = c0; c < c1; ++c) out_row[c] = row[c] * a[c] + b[c];
      }
      return;
    }
    for_runs(n, c0, c1, [&](std::int64_t c, std::int64_t at) {
      const T a = scale[static_cast<std::size_t>(c)], b = shift[static_cast<std::size_t>(c)];
      for (std::int64_t l = 0; l < n.inner; ++l) out[at + l] = x[at + l] * a + b;
    });
  });
}

template <typename T>
void backward_typed(const ConstView& xv, const ConstView& doutv, const ConstView& mean_v, const ConstView& invstd_v,
                    const ConstView& weight, bool training, const MutView& dxv, const MutView& dweight,
                    const MutView& dbias) {
  const Layout n = layout_of(xv.shape);
  const T* x = xv.ptr<T>();
  const T* g = doutv.ptr<T>();
  const T* mean = mean_v.ptr<T>();
  const T* invstd = invstd_v.ptr<T>();
  const double count = static_cast<double>(n.batch * n.inner);
  for_channel_blocks(n, [&](std::int64_t c0, std::int64_t c1) {
    // sum_g[c] = sum(dout), sum_gx[c] = sum(dout * (x - mean))
    std::vector<double> sum_g(static_cast<std::size_t>(c1 - c0), 0.0), sum_gx(sum_g.size(), 0.0);
    if (n.inner == 1) {
      double* __restrict sg = sum_g.data();
      double* __restrict sgx = sum_gx.data();
      const T* __restrict m = mean + c0;
      for (std::int64_t r = 0; r < n.batch; ++r) {
        const T* __restrict gr = g + r * n.channels + c0;
        const T* __restrict xr = x + r * n.channels + c0;
        for (std::int64_t c = 0; c < c1 - c0; ++c) {
          sg[c] += static_cast<double>(gr[c]);
          sgx[c] += static_cast<double>(gr[c]) * static_cast<double>(xr[c] - m[c]);
        }
      }
    } else {
      for_runs(n, c0, c1, [&](std::int64_t c, std::int64_t at) {
      const T m = mean[c];
      double s = 0.0, sx = 0.0;
      for (std::int64_t l = 0; l < n.inner; ++l) {
        s += static_cast<double>(g[at + l]);
        sx += static_cast<double>(g[at + l]) * static_cast<double>(x[at + l] - m);
      }
      sum_g[static_cast<std::size_t>(c - c0)] += s;
      sum_gx[static_cast<std::size_t>(c - c0)] += sx;
      });
    }
    for (std::int64_t c = c0; c < c1; ++c) {
      const auto k = static_cast<std::size_t>(c - c0);
      if (dbias.data) dbias.ptr<T>()[c] = static_cast<T>(sum_g[k]);
      if (dweight.data) dweight.ptr<T>()[c] = static_cast<T>(sum_gx[k] * invstd[c]);
    }
    if (!dxv.data) return;
    T* dx = dxv.ptr<T>();
    // dx = k1 * dout + k2 * (x - mean) + k3 per channel; k2 = k3 = 0 in eval.
    std::vector<T> k1s(sum_g.size()), k2s(sum_g.size()), k3s(sum_g.size());
    for (std::int64_t c = c0; c < c1; ++c) {
      const auto k = static_cast<std::size_t>(c - c0);
      const double is = invstd[c];
      const double k1 = (weight.data ? static_cast<double>(weight.ptr<T>()[c]) : 1.0) * is;
      k1s[k] = static_cast<T>(k1);
      k2s[k] = training ? static_cast<T>(-k1 * is * is * sum_gx[k] / count) : T(0);
      k3s[k] = training ? static_cast<T>(-k1 * sum_g[k] / count) : T(0);
    }
    if (n.inner == 1) {
      const T* __restrict a = k1s.data();
      const T* __restrict b = k2s.data();
      const T* __restrict d = k3s.data();
      const T* __restrict m = mean + c0;
      for (std::int64_t r = 0; r < n.batch; ++r) {
        const T* __restrict gr = g + r * n.channels + c0;
        const T* __restrict xr = x + r * n.channels + c0;
        T* __restrict dr = dx + r * n.channels + c0;
        for (std::int64_t c = 0; c < c1 - c0; ++c) dr[c] = a[c] * gr[c] + b[c] * (xr[c] - m[c]) + d[c];
      }
      return;
    }
    for_runs(n, c0, c1, [&](std::int64_t c, std::int64_t at) {
      const auto k = static_cast<std::size_t>(c - c0);
      const T a = k1s[k], b = k2s[k], d = k3s[k];
      const T m = mean[c];
      for (std::int64_t l = 0; l < n.inner; ++l) dx[at + l] = a * g[at + l] + b * (x[at + l] - m) + d;
    });
  });
}

}  // namespace

void batch_norm_stats(const ConstView& x, const MutView& mean, const MutView& var) {
  cpu::dispatch_floating(x.dtype, [&]<typename T>() { stats_typed<T>(x, mean, var); });
}

void batch_norm_forward(const ConstView& x, const ConstView& mean, const ConstView& invstd, const ConstView& weight,
                        const ConstView& bias, const MutView& out) {
  cpu::dispatch_floating(x.dtype, [&]<typename T>() { forward_typed<T>(x, mean, invstd, weight, bias, out); });
}

void batch_norm_backward(const ConstView& x, const ConstView& dout, const ConstView& mean, const ConstView& invstd,
                         const ConstView& weight, bool training, const MutView& dx, const MutView& dweight,
                         const MutView& dbias) {
  cpu::dispatch_floating(x.dtype, [&]<typename T>() {
    backward_typed<T>(x, dout, mean, invstd, weight, training, dx, dweight, dbias);
  });
}

}  // namespace nnlab::kernels
