#pragma once
// parallel_for over an index range on OpenMP, the one thread pool nnlab shares with oneDNN.
// Ranges shorter than `grain` run inline on the calling thread: waking threads costs
// microseconds, more than small loops take.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>

#include <omp.h>

namespace nnlab {

// Threads used by parallel_for and by oneDNN; defaults to the number of cores.
int num_threads();
void set_num_threads(int threads);
// Cores this process may run on (its CPU affinity, as the default thread count counts them).
int num_cores();

namespace detail {

using Clock = std::chrono::steady_clock;

// Sharing the machine. When another process keeps a core busy, the thread of a parallel region
// that shares that core loses it for a scheduler slice (milliseconds), and the other threads
// wait for it at the end of every region: two threads ran 2-2.5x slower than one (W6, W2 with a
// busy loop on one of two cores). parallel_for therefore notes each region's lateness, the time
// between the first thread finishing its chunk and the region ending (the late thread may be
// the caller itself); late regions put parallel_for on the caller alone for a while
// (kSerialPeriod in parallel.cpp), after which it tries the threads again.
// Until when parallel_for runs its chunks on the calling thread, one after the other.
bool threads_paused(Clock::time_point now);
// Records a region that started at `start`, whose first thread finished its chunk at
// `first_done` and which ended at `end`.
void note_region(Clock::time_point start, Clock::time_point first_done, Clock::time_point end);
// Tests: pause the threads for `period` from now (zero: resume them), forgetting earlier late
// regions.
void pause_threads_for(Clock::duration period);

}  // namespace detail

// Calls fn(begin, end) on disjoint chunks that cover [begin, end): one per thread, and no more
// than ceil(n / grain). The split (and any float summation order inside fn) depends only on the
// thread count: when the threads are paused (detail::threads_paused), the caller runs the same
// chunks in order, and results do not change.
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
  const auto chunk = [&](std::int64_t t) {
    const std::int64_t lo = begin + n * t / chunks;
    const std::int64_t hi = begin + n * (t + 1) / chunks;
    if (lo < hi) fn(lo, hi);
  };
  const detail::Clock::time_point start = detail::Clock::now();
  if (detail::threads_paused(start)) {
    for (std::int64_t t = 0; t < chunks; ++t) chunk(t);
    return;
  }
  std::atomic<detail::Clock::rep> first_done{std::numeric_limits<detail::Clock::rep>::max()};
#pragma omp parallel num_threads(static_cast <int>(chunks))
  {
    chunk(omp_get_thread_num());
    const detail::Clock::rep done = detail::Clock::now().time_since_epoch().count();
    detail::Clock::rep first = first_done.load(std::memory_order_relaxed);
    while (done < first && !first_done.compare_exchange_weak(first, done, std::memory_order_relaxed)) {
    }
  }
  detail::note_region(start, detail::Clock::time_point(detail::Clock::duration(first_done.load())),
                      detail::Clock::now());
}

}  // namespace nnlab
