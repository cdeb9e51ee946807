#pragma once
// Storage: a reference-counted buffer, from the caching allocator or borrowed from the caller.
// Buffers of up to kInlineBytes live inside the Storage object itself: a scalar or a bias-sized
// gradient then costs one pooled allocation instead of two (16-byte aligned, not 64).
#include <cstddef>

#include "nnlab/core/intrusive_ptr.h"

namespace nnlab {

class Storage final : public RefCounted {
 public:
  static constexpr std::size_t kInlineBytes = 64;

  // Owns a fresh, uninitialised block of `bytes` bytes.
  static IntrusivePtr<Storage> allocate(std::size_t bytes);
  // Borrows memory the caller keeps alive for as long as any tensor uses it.
  static IntrusivePtr<Storage> borrow(void* data, std::size_t bytes);
  ~Storage() override;

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }

 private:
  enum class Owner { allocator, inline_buffer, caller };
  Storage(void* data, std::size_t bytes, Owner owner) : data_(data), bytes_(bytes), owner_(owner) {}
  void* data_;
  std::size_t bytes_;
  Owner owner_;
  alignas(16) std::byte inline_[kInlineBytes];
};

}  // namespace nnlab
