#pragma once
// A reference-counted base and its smart pointer. Lighter than shared_ptr (one pointer,
// count inside the object); the count is atomic because batches cross the loader thread.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "nnlab/core/object_pool.h"

namespace nnlab {

class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;
  virtual ~RefCounted() = default;

  // Tensors, storages and graph nodes come from the per-thread object pool (object_pool.h).
  // The virtual destructor makes sized delete pass the most-derived object's size.
  static void* operator new(std::size_t bytes) { return pool::allocate(bytes); }
  static void operator delete(void* block, std::size_t bytes) noexcept { pool::deallocate(block, bytes); }

  void add_ref() const { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Returns true when the last reference went away. The sole owner skips the atomic
  // read-modify-write (most temporaries die that way): while only the caller holds a
  // reference, no other thread can be making a copy of it.
  bool drop_ref() const {
    return refs_.load(std::memory_order_acquire) == 1 || refs_.fetch_sub(1, std::memory_order_acq_rel) == 1;
  }
  std::int32_t ref_count() const { return refs_.load(std::memory_order_relaxed); }

 private:
  template <typename T>
  friend class IntrusivePtr;
  mutable std::atomic<std::int32_t> refs_{0};
};

template <typename T>
class IntrusivePtr {
 public:
  IntrusivePtr() = default;
  explicit IntrusivePtr(T* ptr) : ptr_(ptr) {
    if (ptr_) ptr_->add_ref();
  }
  // Takes the first reference to an object no other thread can see yet, without an atomic add.
  static IntrusivePtr adopt_new(T* fresh) {
    fresh->refs_.store(1, std::memory_order_relaxed);
    IntrusivePtr ptr;
    ptr.ptr_ = fresh;
    return ptr;
  }
  IntrusivePtr(const IntrusivePtr& other) : IntrusivePtr(other.ptr_) {}
  IntrusivePtr(IntrusivePtr&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
  template <typename U>
  IntrusivePtr(const IntrusivePtr<U>& other) : IntrusivePtr(other.get()) {}
  ~IntrusivePtr() { reset(); }

  IntrusivePtr& operator=(IntrusivePtr other) noexcept {
    std::swap(ptr_, other.ptr_);
    return *this;
  }

  void reset() {
    if (ptr_ && ptr_->drop_ref()) delete ptr_;
    ptr_ = nullptr;
  }
  T* get() const { return ptr_; }
  T* operator->() const { return ptr_; }
  T& operator*() const { return *ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }
  friend bool operator==(const IntrusivePtr& a, const IntrusivePtr& b) { return a.ptr_ == b.ptr_; }

 private:
  T* ptr_ = nullptr;
};

// With no arguments the object is default-initialised (`new T`, not `new T()`): its members'
// initialisers run without the whole object being zeroed first, which for tensors and graph
// nodes (200-450 bytes, made per op) was a `rep stos` each. Every member of such a type
// therefore has an initialiser.
template <typename T, typename... Args>
IntrusivePtr<T> make_intrusive(Args&&... args) {
  if constexpr (sizeof...(Args) == 0) {
    return IntrusivePtr<T>::adopt_new(new T);
  } else {
    return IntrusivePtr<T>::adopt_new(new T(std::forward<Args>(args)...));
  }
}

}  // namespace nnlab
