// parallel_for: its chunks, and the pause that runs them on the caller when the machine is busy.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "nnlab/core/parallel.h"

namespace nnlab {
namespace {

using namespace std::chrono_literals;
using detail::Clock;

std::vector<std::pair<std::int64_t, std::int64_t>> chunks_of(std::int64_t begin, std::int64_t end, std::int64_t grain) {
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks;
  std::mutex mutex;
  parallel_for(begin, end, grain, [&](std::int64_t lo, std::int64_t hi) {
    const std::lock_guard lock(mutex);
    chunks.emplace_back(lo, hi);
  });
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

class ParallelFor : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = num_threads();
    set_num_threads(3);
  }
  void TearDown() override {
    detail::pause_threads_for({});
    set_num_threads(saved_);
  }
  int saved_ = 1;
};

// One chunk per thread, and no more than ceil(n / grain) of them.
TEST_F(ParallelFor, SplitsIntoOneChunkPerThreadAndNoMoreThanTheGrainAllows) {
  using Chunks = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_EQ(chunks_of(10, 40, 5), (Chunks{{10, 20}, {20, 30}, {30, 40}}));
  EXPECT_EQ(chunks_of(0, 8, 4), (Chunks{{0, 4}, {4, 8}}));
  EXPECT_EQ(chunks_of(0, 10, 4), (Chunks{{0, 3}, {3, 6}, {6, 10}}));
  EXPECT_EQ(chunks_of(0, 4, 4), (Chunks{{0, 4}}));
  EXPECT_TRUE(chunks_of(5, 5, 1).empty());
}

// Paused, the caller runs the same chunks in order: results that depend on the split do not change.
TEST_F(ParallelFor, PausedThreadsRunTheSameChunksInOrderOnTheCaller) {
  const auto running = chunks_of(0, 1000, 10);
  detail::pause_threads_for(1h);
  EXPECT_TRUE(detail::threads_paused(Clock::now()));
  std::vector<std::pair<std::int64_t, std::int64_t>> order;
  std::vector<bool> in_region;
  parallel_for(0, 1000, 10, [&](std::int64_t lo, std::int64_t hi) {
    order.emplace_back(lo, hi);  // no lock: one thread
    in_region.push_back(omp_in_parallel());
  });
  EXPECT_EQ(order, running);
  EXPECT_EQ(in_region, std::vector<bool>(3, false));
  detail::pause_threads_for({});
  EXPECT_FALSE(detail::threads_paused(Clock::now()));
}

// Two late regions (ending more than 1 ms after the first thread finished its chunk, and later
// than that chunk took) within 20 ms pause the threads for 100 ms; one alone, or two further
// apart, do not; a pause that follows soon after the last one lasts twice as long.
TEST_F(ParallelFor, TwoLateRegionsCloseTogetherPauseTheThreads) {
  const Clock::time_point t = Clock::now() + 1h;  // clear of any real region's notes
  const auto late_region = [](Clock::time_point end) { detail::note_region(end - 3ms, end - 2ms, end); };
  late_region(t);
  EXPECT_FALSE(detail::threads_paused(t + 1ms));
  late_region(t + 30ms);  // 30 ms after the last: apart
  EXPECT_FALSE(detail::threads_paused(t + 31ms));
  detail::note_region(t + 31ms, t + 36ms, t + 39ms);          // 3 ms late, but the first chunk took 5: not late
  detail::note_region(t + 40ms, t + 40ms, t + 40ms + 900us);  // 900 us late: a wake-up, not late
  EXPECT_FALSE(detail::threads_paused(t + 41ms));
  late_region(t + 45ms);  // 15 ms after the last late one
  EXPECT_TRUE(detail::threads_paused(t + 46ms));
  EXPECT_TRUE(detail::threads_paused(t + 144ms));
  EXPECT_FALSE(detail::threads_paused(t + 146ms));
  // Late again right after resuming: the next pause is 200 ms.
  late_region(t + 150ms);
  late_region(t + 155ms);
  EXPECT_TRUE(detail::threads_paused(t + 354ms));
  EXPECT_FALSE(detail::threads_paused(t + 356ms));
  // Much later, a pause is back to 100 ms.
  late_region(t + 10s);
  late_region(t + 10s + 1ms);
  EXPECT_TRUE(detail::threads_paused(t + 10s + 100ms));
  EXPECT_FALSE(detail::threads_paused(t + 10s + 102ms));
}

// Two regions in a row in which one thread's chunk stalls for 3 ms, with no work on the others.
bool paused_after_two_stalls(int stalled_thread) {
  detail::pause_threads_for({});
  for (int region = 0; region < 2; ++region) {
    parallel_for(0, 3, 1, [&](std::int64_t, std::int64_t) {
      if (omp_get_thread_num() == stalled_thread) std::this_thread::sleep_for(3ms);
    });
  }
  return detail::threads_paused(Clock::now());
}

// The thread that lost its core may be the caller or a helper: either one's stalls pause the
// threads (lateness counts from the first thread done; counted from the caller's chunk, a caller
// that shared the busy core went unseen). On a loaded machine the other threads may start late
// too and hide a stall, so each thread gets a few tries.
TEST_F(ParallelFor, AStalledCallerOrHelperPausesTheThreads) {
  for (const int stalled : {0, 1, 2}) {
    bool paused = false;
    for (int attempt = 0; attempt < 5 && !paused; ++attempt) paused = paused_after_two_stalls(stalled);
    EXPECT_TRUE(paused) << "thread " << stalled;
  }
}

}  // namespace
}  // namespace nnlab
