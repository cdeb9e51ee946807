#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "nnlab/core/allocator.h"

namespace nnlab {

TEST(Allocator, BlocksAreAligned) {
  for (std::size_t bytes : {1u, 63u, 4097u, 3u << 20}) {
    void* p = memory::allocate(bytes);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % memory::kAlignment, 0u);
    memory::deallocate(p, bytes);
  }
}

// std::bad_alloc said only "out of memory"; the error names the size asked for. (Blocks the system
// refuses are not tried here: sanitizers abort on those instead of failing the call.)
TEST(Allocator, ABlockPastTheLargestIsOutOfMemoryNamingItsSize) {
  const auto before = memory::allocator_stats();
  try {
    memory::allocate(memory::kMaxBlockBytes + 1);
    ADD_FAILURE() << "expected memory::OutOfMemory";
  } catch (const std::bad_alloc& e) {  // still a bad_alloc, for code that handles one
    EXPECT_STREQ(e.what(), "out of memory: cannot allocate 4294967296.0 GiB (4611686018427387905 bytes)");
    EXPECT_EQ(dynamic_cast<const memory::OutOfMemory&>(e).bytes(), memory::kMaxBlockBytes + 1);
  }
  // The size classes of sizes near 2^64 overflowed to a tiny block before the cap.
  EXPECT_THROW(memory::allocate(~std::size_t{0}), memory::OutOfMemory);
  EXPECT_EQ(memory::allocator_stats().system_allocations, before.system_allocations);
  EXPECT_EQ(
      memory::OutOfMemory(3u << 20, "a float32 tensor of shape [786432]").what(),
      std::string("out of memory: cannot allocate 3.0 MiB (3145728 bytes) for a float32 tensor of shape [786432]"));
}

TEST(Allocator, ReusesFreedBlocksWithoutAskingTheSystem) {
  void* warm = memory::allocate(100000);
  memory::deallocate(warm, 100000);
  const auto before = memory::allocator_stats().system_allocations;
  for (int i = 0; i < 100; ++i) {
    void* p = memory::allocate(99000);  // same size class as 100000
    memory::deallocate(p, 99000);
  }
  EXPECT_EQ(memory::allocator_stats().system_allocations, before);
}

TEST(Allocator, SmallBlocksAreReusedOnTheSameThreadAndCountedAsCached) {
  void* first = memory::allocate(200);
  memory::deallocate(first, 200);
  const auto cached = memory::allocator_stats().cached_bytes;
  void* again = memory::allocate(250);  // same 256-byte class
  EXPECT_EQ(again, first);
  EXPECT_EQ(memory::allocator_stats().cached_bytes, cached - 256);
  memory::deallocate(again, 250);
}

TEST(Allocator, SmallBlocksFreedByAnotherThreadAreReusable) {
  std::vector<void*> blocks(200);
  for (void*& block : blocks) block = memory::allocate(64);
  std::thread other([&] {
    for (void* block : blocks) memory::deallocate(block, 64);
  });
  other.join();  // the thread's cache returns its blocks to the shared lists when it ends
  const auto before = memory::allocator_stats().system_allocations;
  for (void*& block : blocks) block = memory::allocate(64);
  EXPECT_EQ(memory::allocator_stats().system_allocations, before);
  for (void* block : blocks) memory::deallocate(block, 64);
}

TEST(Allocator, EmptyCacheReleasesTheCallingThreadsBlocks) {
  void* block = memory::allocate(300);
  memory::deallocate(block, 300);
  memory::empty_cache();
  EXPECT_EQ(memory::allocator_stats().cached_bytes, 0u);
}

// The high-water mark follows the bytes held from the system (in use or cached), by hand:
// 1 MiB and 3 MiB are block sizes of their own (powers of two and three quarters of the next).
TEST(Allocator, PeakReservedBytesIsTheHighWaterMarkOfTheBytesHeld) {
  memory::empty_cache();
  memory::reset_peak_stats();
  const auto start = memory::allocator_stats();
  EXPECT_EQ(start.peak_reserved_bytes, start.reserved_bytes);
  EXPECT_EQ(start.cached_bytes, 0u);
  constexpr std::uint64_t kMiB = 1 << 20;
  void* a = memory::allocate(kMiB);
  void* b = memory::allocate(3 * kMiB);
  EXPECT_EQ(memory::allocator_stats().reserved_bytes, start.reserved_bytes + 4 * kMiB);
  memory::deallocate(b, 3 * kMiB);  // cached: still held
  EXPECT_EQ(memory::allocator_stats().reserved_bytes, start.reserved_bytes + 4 * kMiB);
  void* again = memory::allocate(3 * kMiB);  // from the cache: no new bytes
  memory::deallocate(again, 3 * kMiB);
  memory::deallocate(a, kMiB);
  memory::empty_cache();
  const auto end = memory::allocator_stats();
  EXPECT_EQ(end.reserved_bytes, start.reserved_bytes);
  EXPECT_EQ(end.peak_reserved_bytes, start.reserved_bytes + 4 * kMiB);
  EXPECT_EQ(end.system_bytes - start.system_bytes, 4 * kMiB);
  memory::reset_peak_stats();
  EXPECT_EQ(memory::allocator_stats().peak_reserved_bytes, end.reserved_bytes);
}

}  // namespace nnlab
