#include "nnlab/tensor/storage.h"

#include "nnlab/core/allocator.h"
#include "nnlab/core/replay.h"

namespace nnlab {

IntrusivePtr<Storage> Storage::allocate(std::size_t bytes) {
  IntrusivePtr<Storage> storage;
  if (bytes <= kInlineBytes) {
    storage = IntrusivePtr<Storage>::adopt_new(new Storage(nullptr, bytes, Owner::inline_buffer));
    storage->data_ = storage->inline_;
  } else {
    storage = IntrusivePtr<Storage>::adopt_new(new Storage(memory::allocate(bytes), bytes, Owner::allocator));
  }
  // A replayed computation writes into the buffers its recording saw: they must not be reused.
  if (replay::Recording* recording = replay::active()) recording->keep_alive(storage.get());
  return storage;
}

IntrusivePtr<Storage> Storage::borrow(void* data, std::size_t bytes) {
  return IntrusivePtr<Storage>::adopt_new(new Storage(data, bytes, Owner::caller));
}

Storage::~Storage() {
  if (owner_ == Owner::allocator) memory::deallocate(data_, bytes_);
}

}  // namespace nnlab
