// Batch normalisation on CPU (see kernels/norm.h for the legend). Threads split the channels;
// each walks its block of channels in the order of memory (n -> c -> l). Per-channel sums are
// float64 in min(L, kLanes) partial sums ("lanes") per channel, element l of a run feeding lane
// l % kLanes, so that the loops vectorise instead of waiting on one add after another; a channel's
// lanes are added in a fixed order, so no result depends on the thread count.
#include "nnlab/kernels/norm.h"

#include <algorithm>
#include <vector>

#include "nnlab/kernels/cpu/isa.h"
#include "nnlab/kernels/cpu/loops.h"
#include "nnlab/kernels/cpu/row_ops.h"  // NNLAB_ROW_INLINE

namespace nnlab::kernels {
namespace {

constexpr std::int64_t kNormGrain = 1 << 14;  // elements per thread, at least
// Lanes per channel when L > kLanes: 2 AVX-512 or 4 AVX2 float64 vectors, enough independent adds
// to keep up with x streaming from cache (32 lanes measured slower). Runs of L <= kLanes are too
// short for lanes of their own; there a lane is a column (c, l) of the block's (N, channels L)
// rows, and the loops vectorise across channels (stats 2x faster at L = 16 than per-run lanes).
constexpr std::int64_t kLanes = 16;

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

// Channels [c0, c0 + channels) of x (N, C, L): N rows of width() contiguous elements, `stride`
// apart, from element c0 L on. Channel c's lanes are c * per_channel() + (0 .. per_channel()).
struct Block {
  std::int64_t c0 = 0, channels = 0, rows = 0, stride = 0, inner = 0;
  bool by_columns() const { return inner <= kLanes; }
  std::int64_t offset() const { return c0 * inner; }
  std::int64_t width() const { return channels * inner; }
  std::int64_t per_channel() const { return std::min(inner, kLanes); }
  std::int64_t lanes() const { return channels * per_channel(); }
};

// Calls fn(block) over blocks of channels that cover [0, C), in parallel when the work is large
// enough. One block per thread: smaller blocks, each taking both passes from L2, measured slower
// than two sequential passes over the whole share from L3 (a channel's runs lie C L apart).
template <typename Fn>
void for_channel_blocks(const Layout& n, const Fn& fn) {
  const std::int64_t per_channel = std::max<std::int64_t>(n.batch * n.inner, 1);
  const std::int64_t grain = std::max<std::int64_t>(1, kNormGrain / per_channel);
  parallel_for(0, n.channels, grain, [&](std::int64_t c0, std::int64_t c1) {
    fn(Block{c0, c1 - c0, n.batch, n.channels * n.inner, n.inner});
  });
}

// sums[s * b.lanes() + lane] += the s-th term of every element of block b in that lane, for
// s < S. term(sum, next, lane, i) adds the terms of the element at offset i (from the block's
// start) into sum[0], sum[next], ...
template <int S, typename Term>
NNLAB_ROW_INLINE void add_lanes(const Block& b, double* sums, const Term& term) {
  const std::int64_t lanes = b.lanes();
  if (b.by_columns()) {
    std::int64_t r = 0;
    for (; r + 4 <= b.rows; r += 4) {  // four rows add up in registers before they reach memory
      for (std::int64_t j = 0; j < lanes; ++j) {
        double t[S] = {};
        for (std::int64_t q = 0; q < 4; ++q) term(t, 1, j, (r + q) * b.stride + j);
        for (int s = 0; s < S; ++s) sums[s * lanes + j] += t[s];
      }
    }
    for (; r < b.rows; ++r) {
      for (std::int64_t j = 0; j < lanes; ++j) term(sums + j, lanes, j, r * b.stride + j);
    }
    return;
  }
  for (std::int64_t r = 0; r < b.rows; ++r) {
    for (std::int64_t c = 0; c < b.channels; ++c) {
      // The run's lanes stay in registers. They are loaded and stored whole: starting from zero
      // and adding afterwards made GCC split the vectors into scalars at the end of every run.
      double run[S * kLanes];
      const std::int64_t at = r * b.stride + c * b.inner, lane = c * kLanes;
      for (int s = 0; s < S; ++s) {
        for (std::int64_t j = 0; j < kLanes; ++j) run[s * kLanes + j] = sums[s * lanes + lane + j];
      }
      std::int64_t l = 0;
      for (; l + kLanes <= b.inner; l += kLanes) {
        for (std::int64_t j = 0; j < kLanes; ++j) term(run + j, kLanes, lane + j, at + l + j);
      }
      for (int s = 0; s < S; ++s) {
        for (std::int64_t j = 0; j < kLanes; ++j) sums[s * lanes + lane + j] = run[s * kLanes + j];
      }
      // The tail goes to memory: indexing `run` by a variable would take it out of registers.
      for (std::int64_t j = 0; l < b.inner; ++l, ++j) term(sums + lane + j, lanes, lane + j, at + l);
    }
  }
}

// Channel c's sum: its lanes added in a fixed order.
NNLAB_ROW_INLINE double channel_sum(const double* sums, std::int64_t c, std::int64_t per_channel) {
  double total = 0.0;
  for (std::int64_t j = 0; j < per_channel; ++j) total += sums[c * per_channel + j];
  return total;
}

// values (one per channel of b) repeated L times, one per column of a block row: rows with
// L <= kLanes then vectorise across channels.
template <typename T>
std::vector<T> per_column(const Block& b, const T* values) {
  std::vector<T> out(static_cast<std::size_t>(b.width()));
  for (std::int64_t c = 0; c < b.channels; ++c) {
    std::fill_n(out.begin() + c * b.inner, b.inner, values[c]);
  }
  return out;
}

// Per-lane copies of values (one per channel of b), for terms that subtract a channel's mean.
template <typename T>
std::vector<double> per_lane(const Block& b, const T* values) {
  std::vector<double> out(static_cast<std::size_t>(b.lanes()));
  for (std::int64_t c = 0; c < b.channels; ++c) {
    std::fill_n(out.begin() + c * b.per_channel(), b.per_channel(), static_cast<double>(values[c]));
  }
  return out;
}

template <typename T>
struct StatsJob {
  const T* x = nullptr;
  T* mean = nullptr;  // (C)
  T* var = nullptr;   // (C)
  double count = 0;   // N L
};

// mean and var of block b's channels: the mean first, then the squared deviations from it (one
// pass, E[x^2] - mean^2, cancels catastrophically when the mean is large against the spread).
template <typename T>
NNLAB_ROW_INLINE void stats_block(const StatsJob<T>& job, const Block& b) {
  const T* x = job.x + b.offset();
  std::vector<double> sums(static_cast<std::size_t>(b.lanes()), 0.0), mean(static_cast<std::size_t>(b.channels));
  add_lanes<1>(b, sums.data(),
               [&](double* s, std::int64_t, std::int64_t, std::int64_t i) { *s += static_cast<double>(x[i]); });
  for (std::int64_t c = 0; c < b.channels; ++c) {
    mean[c] = channel_sum(sums.data(), c, b.per_channel()) / job.count;
    job.mean[b.c0 + c] = static_cast<T>(mean[c]);
  }
  const std::vector<double> centre = per_lane(b, mean.data());
  const double* m = centre.data();
  std::fill(sums.begin(), sums.end(), 0.0);
  add_lanes<1>(b, sums.data(), [&](double* s, std::int64_t, std::int64_t lane, std::int64_t i) {
    const double d = static_cast<double>(x[i]) - m[lane];
    *s += d * d;
  });
  for (std::int64_t c = 0; c < b.channels; ++c) {
    job.var[b.c0 + c] = static_cast<T>(channel_sum(sums.data(), c, b.per_channel()) / job.count);
  }
}

template <typename T>
struct ForwardJob {
  const T* x = nullptr;
  T* out = nullptr;
  const T* scale = nullptr;  // (C)
  const T* shift = nullptr;  // (C)
};

// out = x * scale + shift over block b.
template <typename T>
NNLAB_ROW_INLINE void forward_block(const ForwardJob<T>& job, const Block& b) {
  const T* x = job.x + b.offset();
  T* out = job.out + b.offset();
  if (b.by_columns()) {
    const std::vector<T> scale = per_column(b, job.scale + b.c0), shift = per_column(b, job.shift + b.c0);
    const T* a = scale.data();
    const T* s = shift.data();
    for (std::int64_t r = 0; r < b.rows; ++r) {
      const std::int64_t at = r * b.stride;
      for (std::int64_t j = 0; j < b.width(); ++j) out[at + j] = x[at + j] * a[j] + s[j];
    }
    return;
  }
  for (std::int64_t r = 0; r < b.rows; ++r) {
    for (std::int64_t c = 0; c < b.channels; ++c) {
      const T a = job.scale[b.c0 + c], s = job.shift[b.c0 + c];
      const std::int64_t at = r * b.stride + c * b.inner;
      for (std::int64_t l = 0; l < b.inner; ++l) out[at + l] = x[at + l] * a + s;
    }
  }
}

template <typename T>
struct BackwardJob {
  const T* x = nullptr;
  const T* dout = nullptr;
  const T* mean = nullptr;    // (C)
  const T* invstd = nullptr;  // (C)
  const T* weight = nullptr;  // (C), or null for none
  bool training = false;
  T* dx = nullptr;  // each of dx, dweight (C), dbias (C) null when not wanted
  T* dweight = nullptr;
  T* dbias = nullptr;
  double count = 0;  // N L
};

// Coefficients of dx = k1 * dout + k2 * (x - mean) + k3, one per channel; k2 = k3 = 0 in eval.
template <typename T>
struct DxCoefficients {
  std::vector<T> k1, k2, k3;
};

// dx over block b, from the coefficients of its channels.
template <typename T>
NNLAB_ROW_INLINE void dx_block(const BackwardJob<T>& job, const Block& b, const DxCoefficients<T>& k) {
  const T* x = job.x + b.offset();
  const T* g = job.dout + b.offset();
  T* dx = job.dx + b.offset();
  const T* mean = job.mean + b.c0;
  if (b.by_columns()) {
    const std::vector<T> k1 = per_column(b, k.k1.data()), k2 = per_column(b, k.k2.data()),
                         k3 = per_column(b, k.k3.data()), m = per_column(b, mean);
    for (std::int64_t r = 0; r < b.rows; ++r) {
      const std::int64_t at = r * b.stride;
      for (std::int64_t j = 0; j < b.width(); ++j) {
        dx[at + j] = k1[j] * g[at + j] + k2[j] * (x[at + j] - m[j]) + k3[j];
      }
    }
    return;
  }
  for (std::int64_t r = 0; r < b.rows; ++r) {
    for (std::int64_t c = 0; c < b.channels; ++c) {
      const T k1 = k.k1[c], k2 = k.k2[c], k3 = k.k3[c], m = mean[c];
      const std::int64_t at = r * b.stride + c * b.inner;
      for (std::int64_t l = 0; l < b.inner; ++l) dx[at + l] = k1 * g[at + l] + k2 * (x[at + l] - m) + k3;
    }
  }
}

// dbias, dweight and dx of block b: the sums first, then dx from them.
template <typename T>
NNLAB_ROW_INLINE void backward_block(const BackwardJob<T>& job, const Block& b) {
  const T* x = job.x + b.offset();
  const T* g = job.dout + b.offset();
  const std::int64_t lanes = b.lanes();
  // sums[lane] adds dout, sums[lanes + lane] adds dout * (x - mean)
  std::vector<double> sums(static_cast<std::size_t>(2 * lanes), 0.0);
  const std::vector<double> centre = per_lane(b, job.mean + b.c0);
  const double* m = centre.data();
  add_lanes<2>(b, sums.data(), [&](double* s, std::int64_t next, std::int64_t lane, std::int64_t i) {
    const double gi = static_cast<double>(g[i]);
    s[0] += gi;
    s[next] += gi * (static_cast<double>(x[i]) - m[lane]);
  });
  const auto size = static_cast<std::size_t>(b.channels);
  DxCoefficients<T> k{std::vector<T>(size), std::vector<T>(size), std::vector<T>(size)};
  for (std::int64_t c = 0; c < b.channels; ++c) {
    const double sum_g = channel_sum(sums.data(), c, b.per_channel());
    const double sum_gx = channel_sum(sums.data() + lanes, c, b.per_channel());
    const std::int64_t ch = b.c0 + c;
    const double is = job.invstd[ch];
    if (job.dbias) job.dbias[ch] = static_cast<T>(sum_g);
    if (job.dweight) job.dweight[ch] = static_cast<T>(sum_gx * is);
    const double k1 = (job.weight ? static_cast<double>(job.weight[ch]) : 1.0) * is;
    k.k1[c] = static_cast<T>(k1);
    k.k2[c] = job.training ? static_cast<T>(-k1 * is * is * sum_gx / job.count) : T(0);
    k.k3[c] = job.training ? static_cast<T>(-k1 * sum_g / job.count) : T(0);
  }
  if (job.dx) dx_block(job, b, k);
}

// The instruction-set clones (isa.h) that the threads call, one block at a time.
NNLAB_ISA_CLONES void stats_block_isa(const StatsJob<float>& job, const Block& b) { stats_block(job, b); }
NNLAB_ISA_CLONES void stats_block_isa(const StatsJob<double>& job, const Block& b) { stats_block(job, b); }
NNLAB_ISA_CLONES void forward_block_isa(const ForwardJob<float>& job, const Block& b) { forward_block(job, b); }
NNLAB_ISA_CLONES void forward_block_isa(const ForwardJob<double>& job, const Block& b) { forward_block(job, b); }
NNLAB_ISA_CLONES void backward_block_isa(const BackwardJob<float>& job, const Block& b) { backward_block(job, b); }
NNLAB_ISA_CLONES void backward_block_isa(const BackwardJob<double>& job, const Block& b) { backward_block(job, b); }

template <typename T>
void stats_typed(const ConstView& x, const MutView& mean, const MutView& var) {
  const Layout n = layout_of(x.shape);
  const StatsJob<T> job{x.ptr<T>(), mean.ptr<T>(), var.ptr<T>(), static_cast<double>(n.batch * n.inner)};
  for_channel_blocks(n, [&](const Block& b) { stats_block_isa(job, b); });
}

template <typename T>
void forward_typed(const ConstView& x, const ConstView& mean, const ConstView& invstd, const ConstView& weight,
                   const ConstView& bias, const MutView& out) {
  const Layout n = layout_of(x.shape);
  // out = x * scale + shift, scale = invstd * weight, shift = bias - mean * scale.
  std::vector<T> scale(static_cast<std::size_t>(n.channels)), shift(scale.size());
  for (std::int64_t c = 0; c < n.channels; ++c) {
    const T w = weight.data ? weight.ptr<T>()[c] : T(1);
    const T b = bias.data ? bias.ptr<T>()[c] : T(0);
    scale[static_cast<std::size_t>(c)] = invstd.ptr<T>()[c] * w;
    shift[static_cast<std::size_t>(c)] = b - mean.ptr<T>()[c] * scale[static_cast<std::size_t>(c)];
  }
  const ForwardJob<T> job{x.ptr<T>(), out.ptr<T>(), scale.data(), shift.data()};
  for_channel_blocks(n, [&](const Block& b) { forward_block_isa(job, b); });
}

template <typename T>
void backward_typed(const ConstView& x, const ConstView& dout, const ConstView& mean, const ConstView& invstd,
                    const ConstView& weight, bool training, const MutView& dx, const MutView& dweight,
                    const MutView& dbias) {
  const Layout n = layout_of(x.shape);
  const BackwardJob<T> job{
      x.ptr<T>(), dout.ptr<T>(), mean.ptr<T>(),    invstd.ptr<T>(), weight.ptr<T>(),
      training,   dx.ptr<T>(),   dweight.ptr<T>(), dbias.ptr<T>(),  static_cast<double>(n.batch * n.inner)};
  for_channel_blocks(n, [&](const Block& b) { backward_block_isa(job, b); });
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
  cpu::dispatch_floating(
      x.dtype, [&]<typename T>() { backward_typed<T>(x, dout, mean, invstd, weight, training, dx, dweight, dbias); });
}

}  // namespace nnlab::kernels
