#include "nnlab/core/object_pool.h"

#include <utility>

namespace nnlab::pool::detail {

constinit thread_local FreeLists t_lists{};

namespace {

// Set when this thread's exit hook has run. Trivially destructible, so it outlives the hook:
// objects freed later (static tensors at exit) go straight to malloc.
constinit thread_local bool t_thread_ending = false;

// Gives the listed blocks back to malloc when the thread ends.
struct ExitHook {
  ExitHook() = default;
  ExitHook(const ExitHook&) = delete;
  ExitHook& operator=(const ExitHook&) = delete;
  ~ExitHook() {
    t_thread_ending = true;
    t_lists.accepting = false;
    for (FreeBlock*& head : t_lists.heads) {
      while (head != nullptr) ::operator delete(std::exchange(head, head->next));
    }
    t_lists.counts.fill(0);
  }
};

}  // namespace

void deallocate_slow(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  const std::size_t cls = class_of(bytes);
  if (bytes > kMaxPooledBytes || t_thread_ending || t_lists.counts[cls] >= kMaxBlocksPerClass) {
    ::operator delete(block);
    return;
  }
  thread_local ExitHook hook;  // registers the hook on this thread's first listed block
  t_lists.accepting = true;
  t_lists.heads[cls] = new (block) FreeBlock{t_lists.heads[cls]};
  ++t_lists.counts[cls];
}

}  // namespace nnlab::pool::detail
