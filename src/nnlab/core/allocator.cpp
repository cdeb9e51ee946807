#include "nnlab/core/allocator.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <new>
#include <vector>

#include <fmt/format.h>

namespace nnlab::memory {
namespace {

constexpr std::size_t kSmallStep = 64;          // classes every 64 bytes up to 4 KiB
constexpr std::size_t kSmallLimit = 4096;
constexpr int kStepsPerOctave = 4;              // then 4 classes per power of two (<= 25% waste)
constexpr std::size_t kHugePage = 2u << 20;
constexpr int kClasses = 64 + 64 * kStepsPerOctave;
constexpr int kThreadCachedClasses = 64;        // the classes up to 4 KiB
constexpr std::size_t kThreadCachedBlocks = 64;  // per class and thread

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

// The block size of class `index` (the inverse of size_class).
std::size_t class_bytes(int index) {
  if (index < 64) return static_cast<std::size_t>(index + 1) * kSmallStep;
  const std::size_t base = std::size_t{1} << (12 + (index - 64) / kStepsPerOctave);
  return base + static_cast<std::size_t>((index - 64) % kStepsPerOctave + 1) * (base / kStepsPerOctave);
}

class CachingAllocator;
CachingAllocator& instance();

class CachingAllocator {
 public:
  void* allocate(std::size_t bytes) {
    if (bytes > kMaxBlockBytes) throw OutOfMemory(bytes);
    const SizeClass cls = size_class(bytes);
    if (void* block = thread_cache_pop(cls)) return block;
    {
      std::lock_guard lock(mutex_);
      auto& list = free_[cls.index];
      if (!list.empty()) {
        void* block = list.back();
        list.pop_back();
        cached_bytes_ -= cls.bytes;
        return block;
      }
      stats_.system_allocations += 1;
      stats_.system_bytes += cls.bytes;
      stats_.reserved_bytes += cls.bytes;
      stats_.peak_reserved_bytes = std::max(stats_.peak_reserved_bytes, stats_.reserved_bytes);
    }
    // posix_memalign, unlike aligned_alloc, takes sizes that are not a multiple of the alignment.
    const std::size_t alignment = cls.bytes >= kHugePage ? kHugePage : kAlignment;
    void* block = nullptr;
    if (posix_memalign(&block, alignment, cls.bytes) != 0) {
      std::lock_guard lock(mutex_);
      stats_.system_allocations -= 1;  // counted above, but never obtained
      stats_.system_bytes -= cls.bytes;
      stats_.reserved_bytes -= cls.bytes;
      throw OutOfMemory(bytes);
    }
    // Ask for huge pages where they fit: first touch then costs one fault per 2 MiB.
    if (cls.bytes >= kHugePage) madvise(block, cls.bytes, MADV_HUGEPAGE);
    return block;
  }

  void deallocate(void* block, std::size_t bytes) {
    if (block == nullptr) return;
    const SizeClass cls = size_class(bytes);
    cached_bytes_ += cls.bytes;
    if (thread_cache_push(cls, block)) return;
    std::lock_guard lock(mutex_);
    free_[cls.index].push_back(block);
  }

  AllocatorStats stats() {
    std::lock_guard lock(mutex_);
    AllocatorStats stats = stats_;
    stats.cached_bytes = cached_bytes_;
    return stats;
  }

  void reset_peak_stats() {
    std::lock_guard lock(mutex_);
    stats_.peak_reserved_bytes = stats_.reserved_bytes;
  }

  void empty_cache() {
    std::lock_guard lock(mutex_);
    if (!t_thread_cache_gone) {
      for (int index = 0; index < kThreadCachedClasses; ++index) {
        for (void* block : thread_cache().lists[index]) {
          free_[index].push_back(block);
        }
        thread_cache().lists[index].clear();
      }
    }
    for (int index = 0; index < kClasses; ++index) {
      if (free_[index].empty()) continue;  // the top classes (sizes past 2^64) are never used
      for (void* block : free_[index]) std::free(block);
      cached_bytes_ -= free_[index].size() * class_bytes(index);
      stats_.reserved_bytes -= free_[index].size() * class_bytes(index);
      free_[index].clear();
    }
  }

 private:
  // Small blocks (the buffers of tiny tensors, made and freed by every op) are also cached
  // per thread, in front of the lock.
  struct ThreadCache {
    std::array<std::vector<void*>, kThreadCachedClasses> lists;
    ThreadCache() = default;
    ThreadCache(const ThreadCache&) = delete;
    ThreadCache& operator=(const ThreadCache&) = delete;
    ~ThreadCache() {
      t_thread_cache_gone = true;
      CachingAllocator& owner = instance();
      std::lock_guard lock(owner.mutex_);
      for (int index = 0; index < kThreadCachedClasses; ++index) {
        for (void* block : lists[index]) owner.free_[index].push_back(block);
      }
    }
  };
  static inline thread_local bool t_thread_cache_gone = false;  // trivially destructible: outlives the cache

  static ThreadCache& thread_cache() {
    thread_local ThreadCache cache;
    return cache;
  }

  static void* thread_cache_pop(const SizeClass& cls) {
    if (cls.index >= kThreadCachedClasses || t_thread_cache_gone) return nullptr;
    auto& list = thread_cache().lists[cls.index];
    if (list.empty()) return nullptr;
    void* block = list.back();
    list.pop_back();
    instance().cached_bytes_ -= cls.bytes;
    return block;
  }

  static bool thread_cache_push(const SizeClass& cls, void* block) {
    if (cls.index >= kThreadCachedClasses || t_thread_cache_gone) return false;
    auto& list = thread_cache().lists[cls.index];
    if (list.size() >= kThreadCachedBlocks) return false;
    list.push_back(block);
    return true;
  }

  std::mutex mutex_;
  std::array<std::vector<void*>, kClasses> free_;
  AllocatorStats stats_;
  std::atomic<std::uint64_t> cached_bytes_{0};
};

// Never destroyed: tensors in static storage may be freed after main() returns.
CachingAllocator& instance() {
  static auto* allocator = new CachingAllocator();
  return *allocator;
}

std::string out_of_memory_message(std::size_t bytes, const std::string& purpose) {
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  const double gib = static_cast<double>(bytes) / kGiB;
  const std::string size =
      bytes == std::numeric_limits<std::size_t>::max()  // a size that overflowed on the way (OutOfMemory's contract)
          ? std::string("2^64 bytes or more")
          : fmt::format("{} ({} bytes)",
                        gib >= 1.0 ? fmt::format("{:.1f} GiB", gib) : fmt::format("{:.1f} MiB", gib * 1024.0), bytes);
  return fmt::format("out of memory: cannot allocate {}{}", size, purpose.empty() ? std::string() : " for " + purpose);
}

}  // namespace

OutOfMemory::OutOfMemory(std::size_t bytes, const std::string& purpose)
    : bytes_(bytes), message_(out_of_memory_message(bytes, purpose)) {}

void* allocate(std::size_t bytes) { return instance().allocate(bytes); }
void deallocate(void* block, std::size_t bytes) { instance().deallocate(block, bytes); }
AllocatorStats allocator_stats() { return instance().stats(); }
void empty_cache() { instance().empty_cache(); }
void reset_peak_stats() { instance().reset_peak_stats(); }

}  // namespace nnlab::memory
