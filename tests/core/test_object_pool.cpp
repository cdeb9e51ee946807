#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

#include "nnlab/core/object_pool.h"

namespace nnlab {

TEST(ObjectPool, ReusesABlockOfTheSameSizeClass) {
  void* first = pool::allocate(40);
  pool::deallocate(first, 40);
  void* again = pool::allocate(48);  // 33..48 bytes share a class
  EXPECT_EQ(again, first);
  pool::deallocate(again, 48);
}

TEST(ObjectPool, BlocksHoldTheirWholeClassAndLargeRequestsWork) {
  for (std::size_t bytes : {1u, 17u, 512u, 513u, 4096u}) {
    auto* block = static_cast<unsigned char*>(pool::allocate(bytes));
    std::memset(block, 0xab, bytes);  // ASan checks the block really has `bytes` bytes
    pool::deallocate(block, bytes);
  }
}

TEST(ObjectPool, BlocksCrossThreadsSafely) {
  // Objects made on one thread and freed on another (the DataLoader's batches) end up in the
  // freeing thread's lists, which stay bounded; the blocks stay usable for their class.
  std::vector<void*> blocks(5000);
  std::thread maker([&] {
    for (void*& block : blocks) block = pool::allocate(100);
  });
  maker.join();
  for (void* block : blocks) pool::deallocate(block, 100);
  for (void*& block : blocks) {
    block = pool::allocate(112);
    std::memset(block, 0, 112);
  }
  for (void* block : blocks) pool::deallocate(block, 112);
}

TEST(ObjectPool, AnEndingThreadGivesItsListedBlocksBack) {
  // The blocks a thread lists are freed when it ends (LeakSanitizer reports them otherwise),
  // and blocks it frees while ending go straight back to malloc.
  std::thread worker([] {
    std::vector<void*> blocks(300);
    for (void*& block : blocks) block = pool::allocate(64);
    for (void* block : blocks) pool::deallocate(block, 64);
  });
  worker.join();
}

TEST(ObjectPool, AllocatorServesStandardContainers) {
  std::vector<int, pool::Allocator<int>> values;
  for (int i = 0; i < 1000; ++i) values.push_back(i);  // grows past the pooled sizes too
  EXPECT_EQ(values[999], 999);
}

}  // namespace nnlab
