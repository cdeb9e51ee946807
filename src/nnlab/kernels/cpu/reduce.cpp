// Reductions on CPU. Legend: K = number of kept elements (out.numel()), R = elements reduced
// into each of them.
#include "nnlab/kernels/reduce.h"

#include <vector>

#include "nnlab/kernels/cpu/loops.h"

namespace nnlab::kernels {
namespace {

constexpr std::int64_t kReduceGrain = 1 << 14;

// Which dims of x are reduced into out.
struct ReducePlan {
  Shape kept_first;  // permutation of x's dims: kept dims, then reduced dims
  std::int64_t kept = 1, reduced = 1;
  bool reduced_trailing = true;  // reduced dims come after every kept dim (of size > 1)
  bool reduced_leading = true;   // reduced dims come before every kept dim (of size > 1)
};

ReducePlan plan_reduction(const Shape& x, const Shape& out) {
  ReducePlan plan;
  Shape reduced_dims;
  bool seen_kept = false, seen_reduced = false;
  for (int d = 0; d < x.rank(); ++d) {
    const bool reduce = out[d] == 1 && x[d] != 1;
    if (reduce) {
      reduced_dims.push_back(d);
      plan.reduced *= x[d];
      if (seen_kept) plan.reduced_leading = false;
      seen_reduced = true;
    } else {
      plan.kept_first.push_back(d);
      plan.kept *= x[d];
      if (seen_reduced && x[d] != 1) plan.reduced_trailing = false;
      if (x[d] != 1) seen_kept = true;
    }
  }
  for (std::int64_t d : reduced_dims) plan.kept_first.push_back(d);
  return plan;
}

// x is (K, R) row-major: out[k] = sum_r x[k, r].
template <typename T>
void sum_rows(const T* x, T* out, std::int64_t kept, std::int64_t reduced) {
  using Acc = double;  // float32 rows can be 10^5 long; float64 partial sums keep 1-ulp results
  const std::int64_t grain = std::max<std::int64_t>(1, kReduceGrain / std::max<std::int64_t>(reduced, 1));
  parallel_for(0, kept, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) {
      const T* row = x + k * reduced;
      Acc acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // eight lanes so the loop vectorises
      std::int64_t r = 0;
      for (; r + 8 <= reduced; r += 8) {
        for (int l = 0; l < 8; ++l) acc[l] += static_cast<Acc>(row[r + l]);
      }
      Acc total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
      for (; r < reduced; ++r) total += static_cast<Acc>(row[r]);
      out[k] = static_cast<T>(total);
    }
  });
}

// x is (R, K) row-major: out[k] = sum_r x[r, k]. The bias gradient of a batch is this shape.
template <typename T>
void sum_columns(const T* x, T* out, std::int64_t reduced, std::int64_t kept) {
  const std::int64_t grain = std::max<std::int64_t>(16, kReduceGrain / std::max<std::int64_t>(reduced, 1));
  parallel_for(0, kept, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t k = begin; k < end; ++k) out[k] = T(0);
    for (std::int64_t r = 0; r < reduced; ++r) {
      const T* row = x + r * kept;
      for (std::int64_t k = begin; k < end; ++k) out[k] += row[k];
    }
  });
}

template <typename T>
void sum_typed(const ConstView& x, const MutView& out) {
  const ReducePlan plan = plan_reduction(x.shape, out.shape);
  T* po = out.ptr<T>();
  if (x.is_contiguous() && plan.reduced_trailing) return sum_rows(x.ptr<T>(), po, plan.kept, plan.reduced);
  if (x.is_contiguous() && plan.reduced_leading) return sum_columns(x.ptr<T>(), po, plan.reduced, plan.kept);
  // General case: gather kept dims first, reduced dims last, then sum rows.
  Shape shape, strides;
  for (std::int64_t d : plan.kept_first) {
    shape.push_back(x.shape[static_cast<int>(d)]);
    strides.push_back(x.strides[static_cast<int>(d)]);
  }
  std::vector<T> gathered(static_cast<std::size_t>(x.numel()));
  const Shape dense = contiguous_strides(shape);
  const StridedLayout<2> layout = make_strided_layout<2>(shape, {&dense, &strides});
  const std::int64_t sd = layout.inner_stride(0), sx = layout.inner_stride(1);
  const T* px = x.ptr<T>();
  for_each_row(layout, 0, layout.rows(), [&](const std::array<std::int64_t, 2>& off, std::int64_t count) {
    for (std::int64_t k = 0; k < count; ++k) gathered[off[0] + k * sd] = px[off[1] + k * sx];
  });
  sum_rows(gathered.data(), po, plan.kept, plan.reduced);
}

}  // namespace

void sum_forward(const ConstView& x, const MutView& out) {
  NNLAB_DCHECK(out.is_contiguous() && out.shape.rank() == x.shape.rank());
  cpu::dispatch_floating(out.dtype, [&]<typename T>() { sum_typed<T>(x, out); });
}

}  // namespace nnlab::kernels
