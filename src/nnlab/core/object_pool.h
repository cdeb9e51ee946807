#pragma once
// Recycles the small objects every op creates (TensorImpl, Storage, graph nodes and their edge
// lists). A tiny training step makes and frees dozens of them; glibc's per-thread cache holds
// only 7 blocks per size, so a graph freed at the end of backward spills into malloc's locked
// path. Each thread keeps a bounded free list per 16-byte size class instead: allocation and
// release are a pointer pop and push. The bound keeps memory finite when one thread makes
// objects that another frees (the DataLoader's batches): past it, blocks go back to malloc.
#include <cstddef>

namespace nnlab::pool {

inline constexpr std::size_t kMaxPooledBytes = 512;  // larger requests go straight to malloc

void* allocate(std::size_t bytes);
void deallocate(void* block, std::size_t bytes) noexcept;

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
