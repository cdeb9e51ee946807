#include "nnlab/tensor/storage.h"

#include "nnlab/core/allocator.h"

namespace nnlab {

IntrusivePtr<Storage> Storage::allocate(std::size_t bytes) {
  return IntrusivePtr<Storage>(new Storage(memory::allocate(bytes), bytes, true));
}

IntrusivePtr<Storage> Storage::borrow(void* data, std::size_t bytes) {
  return IntrusivePtr<Storage>(new Storage(data, bytes, false));
}

Storage::~Storage() {
  if (owned_) memory::deallocate(data_, bytes_);
}

}  // namespace nnlab
