#include "nnlab/core/parallel.h"

#include <algorithm>
#include <atomic>

#include "nnlab/core/check.h"

namespace nnlab {

int num_threads() { return omp_get_max_threads(); }

int num_cores() { return omp_get_num_procs(); }

void set_num_threads(int threads) {
  NNLAB_CHECK(threads >= 1, ValueError, "set_num_threads: expected at least 1 thread, got {}", threads);
  omp_set_num_threads(threads);
}

namespace detail {
namespace {

using namespace std::chrono_literals;

// A region is late when it ends more than kLate after its first thread finished its chunk, and
// later than that chunk took: a thread that lost its core to another process comes back
// after a scheduler slice (3-8 ms measured, W6 with a busy loop on one of two cores), while on a
// quiet machine waking a spinning thread costs microseconds and a sleeping one on an idle
// virtual CPU 200-300 us (at 200 us here, such wake-ups paused a quiet W6 run 1-4 times, up to
// 70 % of its regions: 2.5-4.9M samples/s against 4.0-5.0M at 1 ms, median of 8 runs 4.05M
// against 4.45M).
constexpr Clock::duration kLate = 1ms;
// Two late regions within kLateWindow pause the threads: with another process on a core, about
// every other region that crosses a scheduler slice is late, while a quiet virtual machine has a
// late region (a vCPU preempted by the host) a few times a second, apart.
constexpr Clock::duration kLateWindow = 20ms;
// How long the threads stay paused: kSerialPeriod, doubled (up to kMaxSerialPeriod) each time
// they pause again soon after resuming, so that on a machine that stays busy the retries (each
// costs two late regions, a few milliseconds) become rare, while a quiet machine, paused by
// chance, gets its threads back within kSerialPeriod.
constexpr Clock::duration kSerialPeriod = 100ms;
constexpr Clock::duration kMaxSerialPeriod = 1600ms;

// Clock ticks since the epoch: until when the threads are paused, and the last late region; and
// the length of the last pause.
std::atomic<Clock::rep> paused_until{0};
std::atomic<Clock::rep> last_late{0};
std::atomic<Clock::rep> serial_period{Clock::duration(kSerialPeriod).count()};

Clock::rep ticks(Clock::time_point t) { return t.time_since_epoch().count(); }

}  // namespace

bool threads_paused(Clock::time_point now) { return ticks(now) < paused_until.load(std::memory_order_relaxed); }

void note_region(Clock::time_point start, Clock::time_point first_done, Clock::time_point end) {
  const Clock::duration late = end - first_done;
  if (late <= kLate || late <= first_done - start) return;
  const Clock::rep previous = last_late.exchange(ticks(end), std::memory_order_relaxed);
  if (ticks(end) - previous >= Clock::duration(kLateWindow).count()) return;
  const Clock::rep resumed = paused_until.load(std::memory_order_relaxed);
  Clock::rep period = Clock::duration(kSerialPeriod).count();
  if (ticks(end) - resumed < 2 * Clock::duration(kSerialPeriod).count()) {  // paused again soon after resuming
    period = std::min(2 * serial_period.load(std::memory_order_relaxed), Clock::duration(kMaxSerialPeriod).count());
  }
  serial_period.store(period, std::memory_order_relaxed);
  paused_until.store(ticks(end) + period, std::memory_order_relaxed);
}

void pause_threads_for(Clock::duration period) {
  last_late.store(0, std::memory_order_relaxed);
  paused_until.store(ticks(Clock::now() + period), std::memory_order_relaxed);
}

}  // namespace detail

}  // namespace nnlab
