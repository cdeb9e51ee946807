#pragma once
// The caching allocator behind every tensor buffer. Freed blocks go to a free list per size
// class and are handed out again; memory is never returned to the system mid-run, because on
// virtual machines touching a fresh page costs ~10 us. Large blocks ask for transparent huge
// pages. Blocks are 64-byte aligned (a cache line, and what AVX-512 loads like).
#include <cstddef>
#include <cstdint>

namespace nnlab::memory {

inline constexpr std::size_t kAlignment = 64;

// Returns a block of at least `bytes` bytes (bytes may be 0). Thread-safe.
void* allocate(std::size_t bytes);
// Gives a block back to the cache; `bytes` must be the size it was allocated with.
void deallocate(void* block, std::size_t bytes);

struct AllocatorStats {
  std::uint64_t system_allocations = 0;  // blocks obtained from the system so far
  std::uint64_t system_bytes = 0;        // bytes obtained from the system so far
  std::uint64_t cached_bytes = 0;        // bytes sitting in free lists now
};
AllocatorStats allocator_stats();

// Returns every cached block to the system (between runs, or in tests), except those in other
// threads' small-block caches (up to 64 blocks of each size up to 4 KiB per thread).
void empty_cache();

}  // namespace nnlab::memory
