#pragma once
// Recycles the small objects every op creates (TensorImpl, Storage, graph nodes and their edge
// lists). A tiny training step makes and frees dozens of them; glibc's per-thread cache holds
// only 7 blocks per size, so a graph freed at the end of backward spills into malloc's locked
// path. Each thread keeps a bounded free list per 16-byte size class instead: allocation and
// release are a pointer pop and push, inlined here so that the size class of a fixed-size
// object folds to a constant. The bound keeps memory finite when one thread makes objects that
// another frees (the DataLoader's batches): past it, blocks go back to malloc.
#include <array>
#include <cstddef>
#include <new>

namespace nnlab::pool {

inline constexpr std::size_t kMaxPooledBytes = 512;  // larger requests go straight to malloc

namespace detail {

inline constexpr std::size_t kStep = 16;
inline constexpr std::size_t kClasses = kMaxPooledBytes / kStep;
inline constexpr int kMaxBlocksPerClass = 1024;

struct FreeBlock {
  FreeBlock* next;
};

// One thread's free lists. Trivially constructible and destructible, so that every access is
// a plain thread-local load with no initialisation guard.
struct FreeLists {
  std::array<FreeBlock*, kClasses> heads;
  std::array<int, kClasses> counts;
  // Set once the thread has registered the exit hook that empties the lists, cleared again
  // when the hook has run: until then and from then on, released blocks go back to malloc.
  bool accepting;
};
extern constinit thread_local FreeLists t_lists;

constexpr std::size_t class_of(std::size_t bytes) { return bytes == 0 ? 0 : (bytes - 1) / kStep; }

// The rare paths of deallocate: a full list, a thread that has not listed a block yet, or one
// that is ending.
void deallocate_slow(void* block, std::size_t bytes) noexcept;

}  // namespace detail

inline void* allocate(std::size_t bytes) {
  if (bytes > kMaxPooledBytes) return ::operator new(bytes);
  const std::size_t cls = detail::class_of(bytes);
  detail::FreeLists& lists = detail::t_lists;
  if (detail::FreeBlock* block = lists.heads[cls]) {
    lists.heads[cls] = block->next;
    --lists.counts[cls];
    return block;
  }
  // Always the class's full size: the block may later be listed under its class by any thread.
  return ::operator new((cls + 1) * detail::kStep);
}

inline void deallocate(void* block, std::size_t bytes) noexcept {
  const std::size_t cls = detail::class_of(bytes);
  detail::FreeLists& lists = detail::t_lists;
  if (block != nullptr && bytes <= kMaxPooledBytes && lists.accepting &&
      lists.counts[cls] < detail::kMaxBlocksPerClass) {
    lists.heads[cls] = new (block) detail::FreeBlock{lists.heads[cls]};
    ++lists.counts[cls];
    return;
  }
  detail::deallocate_slow(block, bytes);
}

// A standard allocator over the pool, for the small vectors that live inside pooled objects.
template <typename T>
struct Allocator {
  using value_type = T;
  Allocator() = default;
  template <typename U>
  Allocator(const Allocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor): rebinding
  T* allocate(std::size_t n) { return static_cast<T*>(pool::allocate(n * sizeof(T))); }
  void deallocate(T* block, std::size_t n) noexcept { pool::deallocate(block, n * sizeof(T)); }
  template <typename U>
  friend bool operator==(const Allocator&, const Allocator<U>&) noexcept {
    return true;
  }
};

}  // namespace nnlab::pool
