#include "nnlab/core/object_pool.h"

#include <array>
#include <new>
#include <utility>

namespace nnlab::pool {
namespace {

constexpr std::size_t kStep = 16;
constexpr std::size_t kClasses = kMaxPooledBytes / kStep;
constexpr int kMaxBlocksPerClass = 1024;

struct FreeBlock {
  FreeBlock* next;
};

// Set once this thread's cache is destroyed: objects freed later (static tensors at exit) go
// straight to malloc. Trivially destructible, so it outlives the cache.
thread_local bool t_cache_gone = false;

// One thread's free lists. Blocks still listed when the thread ends go back to malloc.
class ThreadCache {
 public:
  ThreadCache() = default;
  ThreadCache(const ThreadCache&) = delete;
  ThreadCache& operator=(const ThreadCache&) = delete;
  ~ThreadCache() {
    t_cache_gone = true;
    for (FreeBlock* head : heads_) {
      while (head != nullptr) ::operator delete(std::exchange(head, head->next));
    }
  }

  void* pop(std::size_t cls) {
    FreeBlock* block = heads_[cls];
    if (block == nullptr) return nullptr;
    heads_[cls] = block->next;
    --counts_[cls];
    return block;
  }

  bool push(std::size_t cls, void* block) {
    if (counts_[cls] == kMaxBlocksPerClass) return false;
    heads_[cls] = new (block) FreeBlock{heads_[cls]};
    ++counts_[cls];
    return true;
  }

 private:
  std::array<FreeBlock*, kClasses> heads_{};
  std::array<int, kClasses> counts_{};
};

ThreadCache& cache() {
  thread_local ThreadCache instance;
  return instance;
}

std::size_t class_of(std::size_t bytes) { return bytes == 0 ? 0 : (bytes - 1) / kStep; }

}  // namespace

void* allocate(std::size_t bytes) {
  if (bytes > kMaxPooledBytes) return ::operator new(bytes);
  const std::size_t cls = class_of(bytes);
  if (!t_cache_gone) {
    if (void* block = cache().pop(cls)) return block;
  }
  // Always the class's full size: the block may later be listed under its class by any thread.
  return ::operator new((cls + 1) * kStep);
}

void deallocate(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  if (bytes > kMaxPooledBytes || t_cache_gone || !cache().push(class_of(bytes), block)) ::operator delete(block);
}

}  // namespace nnlab::pool
