#pragma once
// Working memory of one kernel call from nnlab's caching allocator: a step that needs the same
// buffers again gets them back without asking the system for memory.
#include <cstdint>

#include "nnlab/core/allocator.h"

namespace nnlab::kernels::cpu {

// count elements of T (uninitialised) for the lifetime of the object.
template <typename T>
class Scratch {
 public:
  explicit Scratch(std::int64_t count)
      : bytes_(static_cast<std::size_t>(count) * sizeof(T)), data_(static_cast<T*>(memory::allocate(bytes_))) {}
  ~Scratch() { memory::deallocate(data_, bytes_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  T* data() const { return data_; }

 private:
  std::size_t bytes_;
  T* data_;
};

}  // namespace nnlab::kernels::cpu
