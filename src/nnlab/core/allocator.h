#pragma once
// The caching allocator behind every tensor buffer. Freed blocks go to a free list per size
// class and are handed out again; memory is never returned to the system mid-run, because on
// virtual machines touching a fresh page costs ~10 us. Large blocks ask for transparent huge
// pages. Blocks are 64-byte aligned (a cache line, and what AVX-512 loads like).
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>

namespace nnlab::memory {

inline constexpr std::size_t kAlignment = 64;
// The largest block allocate asks the system for (4 EiB): no machine has more, and the size
// classes of larger blocks would not fit in a size_t.
inline constexpr std::size_t kMaxBlockBytes = std::size_t{1} << 62;

// What allocate throws when the system refuses a block: a std::bad_alloc, so code that handles
// running out of memory still catches it, whose what() names the bytes asked for and, where the
// caller knew it, what they were for:
//   "out of memory: cannot allocate 16.0 GiB (17179869184 bytes) for a float32 tensor of shape [2, 2147483648]"
class OutOfMemory : public std::bad_alloc {
 public:
  // `purpose` completes "... for <purpose>"; empty: the bytes alone. The largest size_t stands
  // for a size past 2^64 bytes ("cannot allocate 2^64 bytes or more").
  explicit OutOfMemory(std::size_t bytes, const std::string& purpose = {});
  const char* what() const noexcept override { return message_.what(); }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t bytes_;
  std::runtime_error message_;  // a shared string: copying the exception cannot throw
};

// Returns a block of at least `bytes` bytes (bytes may be 0). Thread-safe. Throws OutOfMemory
// when the system has no such block (or bytes > kMaxBlockBytes).
void* allocate(std::size_t bytes);
// Gives a block back to the cache; `bytes` must be the size it was allocated with.
void deallocate(void* block, std::size_t bytes);

struct AllocatorStats {
  std::uint64_t system_allocations = 0;   // blocks obtained from the system so far
  std::uint64_t system_bytes = 0;         // bytes obtained from the system so far
  std::uint64_t cached_bytes = 0;         // bytes sitting in free lists now
  std::uint64_t reserved_bytes = 0;       // bytes held from the system now: in use or cached
  std::uint64_t peak_reserved_bytes = 0;  // the high-water mark of reserved_bytes (PyTorch's max_memory_reserved)
};
AllocatorStats allocator_stats();
// Starts a new high-water mark: peak_reserved_bytes becomes reserved_bytes.
void reset_peak_stats();

// Returns every cached block to the system (between runs, or in tests), except those in other
// threads' small-block caches (up to 64 blocks of each size up to 4 KiB per thread).
void empty_cache();

}  // namespace nnlab::memory
