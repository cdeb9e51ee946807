#include "nnlab/tensor/storage.h"

#include "nnlab/core/allocator.h"

namespace nnlab {

IntrusivePtr<Storage> Storage::allocate(std::size_t bytes) {
  if (bytes <= kInlineBytes) {
    auto* storage = new Storage(nullptr, bytes, Owner::inline_buffer);
    storage->data_ = storage->inline_;
    return IntrusivePtr<Storage>::adopt_new(storage);
  }
  return IntrusivePtr<Storage>::adopt_new(new Storage(memory::allocate(bytes), bytes, Owner::allocator));
}

IntrusivePtr<Storage> Storage::borrow(void* data, std::size_t bytes) {
  return IntrusivePtr<Storage>::adopt_new(new Storage(data, bytes, Owner::caller));
}

Storage::~Storage() {
  if (owner_ == Owner::allocator) memory::deallocate(data_, bytes_);
}

}  // namespace nnlab
