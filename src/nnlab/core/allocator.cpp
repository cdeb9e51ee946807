#include "nnlab/core/allocator.h"

#include <sys/mman.h>

#include <array>
#include <bit>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace nnlab::memory {
namespace {

constexpr std::size_t kSmallStep = 64;          // classes every 64 bytes up to 4 KiB
constexpr std::size_t kSmallLimit = 4096;
constexpr int kStepsPerOctave = 4;              // then 4 classes per power of two (<= 25% waste)
constexpr std::size_t kHugePage = 2u << 20;
constexpr int kClasses = 64 + 64 * kStepsPerOctave;

struct SizeClass {
  int index;
  std::size_t bytes;
};

SizeClass size_class(std::size_t bytes) {
  if (bytes <= kSmallLimit) {
    const std::size_t steps = std::max<std::size_t>(1, (bytes + kSmallStep - 1) / kSmallStep);
    return {static_cast<int>(steps - 1), steps * kSmallStep};
  }
  const int octave = std::bit_width(bytes - 1) - 1;  // 2^octave < bytes <= 2^(octave+1)
  const std::size_t base = std::size_t{1} << octave;
  const std::size_t step = base / kStepsPerOctave;
  const std::size_t steps = (bytes - base + step - 1) / step;  // 1..kStepsPerOctave
  const int index = 64 + (octave - 12) * kStepsPerOctave + static_cast<int>(steps) - 1;
  return {index, base + steps * step};
}

class CachingAllocator {
 public:
  void* allocate(std::size_t bytes) {
    const SizeClass cls = size_class(bytes);
    {
      std::lock_guard lock(mutex_);
      auto& list = free_[cls.index];
      if (!list.empty()) {
        void* block = list.back();
        list.pop_back();
        stats_.cached_bytes -= cls.bytes;
        return block;
      }
      stats_.system_allocations += 1;
      stats_.system_bytes += cls.bytes;
    }
    // posix_memalign, unlike aligned_alloc, takes sizes that are not a multiple of the alignment.
    const std::size_t alignment = cls.bytes >= kHugePage ? kHugePage : kAlignment;
    void* block = nullptr;
    if (posix_memalign(&block, alignment, cls.bytes) != 0) throw std::bad_alloc();
    // Ask for huge pages where they fit: first touch then costs one fault per 2 MiB.
    if (cls.bytes >= kHugePage) madvise(block, cls.bytes, MADV_HUGEPAGE);
    return block;
  }

  void deallocate(void* block, std::size_t bytes) {
    if (block == nullptr) return;
    const SizeClass cls = size_class(bytes);
    std::lock_guard lock(mutex_);
    free_[cls.index].push_back(block);
    stats_.cached_bytes += cls.bytes;
  }

  AllocatorStats stats() {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  void empty_cache() {
    std::lock_guard lock(mutex_);
    for (auto& list : free_) {
      for (void* block : list) std::free(block);
      list.clear();
    }
    stats_.cached_bytes = 0;
  }

 private:
  std::mutex mutex_;
  std::array<std::vector<void*>, kClasses> free_;
  AllocatorStats stats_;
};

// Never destroyed: tensors in static storage may be freed after main() returns.
CachingAllocator& instance() {
  static auto* allocator = new CachingAllocator();
  return *allocator;
}

}  // namespace

void* allocate(std::size_t bytes) { return instance().allocate(bytes); }
void deallocate(void* block, std::size_t bytes) { instance().deallocate(block, bytes); }
AllocatorStats allocator_stats() { return instance().stats(); }
void empty_cache() { instance().empty_cache(); }

}  // namespace nnlab::memory
