#include <gtest/gtest.h>

#include <cstdint>

#include "nnlab/core/allocator.h"

namespace nnlab {

TEST(Allocator, BlocksAreAligned) {
  for (std::size_t bytes : {1u, 63u, 4097u, 3u << 20}) {
    void* p = memory::allocate(bytes);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % memory::kAlignment, 0u);
    memory::deallocate(p, bytes);
  }
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

}  // namespace nnlab
