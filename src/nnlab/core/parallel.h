#pragma once
// parallel_for over an index range on OpenMP, the one thread pool nnlab shares with oneDNN.
// Ranges shorter than `grain` run inline on the calling thread: waking threads costs
// microseconds, more than small loops take.
#include <algorithm>
#include <cstdint>

#include <omp.h>

namespace nnlab {

// Threads used by parallel_for and by oneDNN; defaults to the number of cores.
int num_threads();
void set_num_threads(int threads);
// Cores this process may run on (its CPU affinity, as the default thread count counts them).
int num_cores();

// Calls fn(begin, end) on disjoint chunks that cover [begin, end). Each chunk is at least
// `grain` long, so the split (and any float summation order inside fn) depends only on the
// thread count.
template <typename Fn>
void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t grain, const Fn& fn) {
  const std::int64_t n = end - begin;
  if (n <= 0) return;
  if (n <= grain) {  // tested first: most calls on small tensors end here, without asking OpenMP
    fn(begin, end);
    return;
  }
  const int threads = num_threads();
  if (threads <= 1 || omp_in_parallel()) {
    fn(begin, end);
    return;
  }
  const std::int64_t chunks = std::min<std::int64_t>(threads, (n + grain - 1) / std::max<std::int64_t>(grain, 1));
#pragma omp parallel num_threads(static_cast<int>(chunks))
  {
    const std::int64_t t = omp_get_thread_num();
    const std::int64_t lo = begin + n * t / chunks;
    const std::int64_t hi = begin + n * (t + 1) / chunks;
    if (lo < hi) fn(lo, hi);
  }
}

}  // namespace nnlab
