#pragma once
// Storage: a reference-counted buffer, from the caching allocator or borrowed from the caller.
#include <cstddef>

#include "nnlab/core/intrusive_ptr.h"

namespace nnlab {

class Storage final : public RefCounted {
 public:
  // Owns a fresh, uninitialised block of `bytes` bytes.
  static IntrusivePtr<Storage> allocate(std::size_t bytes);
  // Borrows memory the caller keeps alive for as long as any tensor uses it.
  static IntrusivePtr<Storage> borrow(void* data, std::size_t bytes);
  ~Storage() override;

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }

 private:
  Storage(void* data, std::size_t bytes, bool owned) : data_(data), bytes_(bytes), owned_(owned) {}
  void* data_;
  std::size_t bytes_;
  bool owned_;
};

}  // namespace nnlab
