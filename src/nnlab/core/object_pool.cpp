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

// One thread's free lists. Trivially constructible and destructible, so that every access is
// a plain thread-local load with no initialisation guard: this runs a few dozen times per op.
struct FreeLists {
  std::array<FreeBlock*, kClasses> heads;
  std::array<int, kClasses> counts;
  bool releaser_registered;  // a block was listed, so the lists must be emptied at thread exit
  bool gone;                 // the thread is ending: blocks freed from now on go back to malloc
};
constinit thread_local FreeLists t_lists{};

// Gives the listed blocks back to malloc when the thread ends. Objects freed later (static
// tensors at exit) see `gone` and go straight to malloc.
struct Releaser {
  Releaser() = default;
  Releaser(const Releaser&) = delete;
  Releaser& operator=(const Releaser&) = delete;
  ~Releaser() {
    t_lists.gone = true;
    for (FreeBlock*& head : t_lists.heads) {
      while (head != nullptr) ::operator delete(std::exchange(head, head->next));
    }
    t_lists.counts.fill(0);
  }
};

[[gnu::noinline]] void register_releaser() {
  thread_local Releaser releaser;
  t_lists.releaser_registered = true;
}

std::size_t class_of(std::size_t bytes) { return bytes == 0 ? 0 : (bytes - 1) / kStep; }

}  // namespace

void* allocate(std::size_t bytes) {
  if (bytes > kMaxPooledBytes) return ::operator new(bytes);
  const std::size_t cls = class_of(bytes);
  FreeLists& lists = t_lists;
  if (FreeBlock* block = lists.heads[cls]) {
    lists.heads[cls] = block->next;
    --lists.counts[cls];
    return block;
  }
  // Always the class's full size: the block may later be listed under its class by any thread.
  return ::operator new((cls + 1) * kStep);
}

void deallocate(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  FreeLists& lists = t_lists;
  const std::size_t cls = class_of(bytes);
  if (bytes > kMaxPooledBytes || lists.gone || lists.counts[cls] == kMaxBlocksPerClass) {
    ::operator delete(block);
    return;
  }
  if (!lists.releaser_registered) register_releaser();
  lists.heads[cls] = new (block) FreeBlock{lists.heads[cls]};
  ++lists.counts[cls];
}

}  // namespace nnlab::pool
