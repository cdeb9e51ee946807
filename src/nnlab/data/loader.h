#pragma once
// DataLoader: mini-batches of an in-memory Dataset in a seeded order that changes every epoch,
// one gather per batch, optionally prepared one batch ahead on a background thread.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "nnlab/core/rng.h"
#include "nnlab/data/dataset.h"

namespace nnlab::data {

struct Batch {
  Tensor inputs;   // (B, ...) rows of the dataset's inputs
  Tensor targets;  // (B) or (B, ...) the matching targets
};

// Applied to every batch after the gather, e.g. augmentation. The Rng is seeded from
// (seed, epoch, batch index), so results do not depend on prefetching or thread timing.
using BatchTransform = std::function<Batch(Batch batch, Rng& rng)>;

struct LoaderOptions {
  std::int64_t batch_size = 1;  // torch.utils.data.DataLoader's default
  bool shuffle = true;          // false: examples in dataset order every epoch
  bool drop_last = false;       // true: skip a last batch smaller than batch_size
  std::uint64_t seed = 0;       // orders and transform Rngs derive from it alone
  BatchTransform transform = {};
  // Prepare the next batch on a background thread. Unset: only when it pays, that is with a
  // transform, or for batches of at least 64 KiB while nnlab's compute threads leave a core free
  // (a hand-off costs ~7 us; gathering a small batch under 1 us, and a thread waking on every
  // step slows small steps down several-fold; on a core the compute threads use, the worker
  // stalls them: W9 on 2 cores lost 25 %).
  std::optional<bool> prefetch = std::nullopt;
};

// Usage: `for (const Batch& batch : loader)` runs one epoch; the next loop runs the next epoch,
// in a new order. Or call next() until it returns nullopt (the end of an epoch); the call after
// that starts the next epoch. Epoch e's order is the e-th permutation drawn from Rng(seed), so
// one seed gives one sequence of orders. An error in the gather or the transform is rethrown
// by next() (the rest of that epoch is abandoned). Destroying a loader mid-epoch is safe.
// Not for use from several threads at once.
class DataLoader {
 public:
  // Throws ValueError for batch_size < 1 and DataError for an invalid dataset.
  DataLoader(const Dataset& dataset, LoaderOptions options);
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  std::int64_t size() const;  // batches per epoch
  const Dataset& dataset() const { return dataset_; }
  bool prefetches() const { return prefetch_; }  // LoaderOptions::prefetch, resolved
  // The epoch being iterated (0 for the first), or -1 before the first.
  std::int64_t epoch() const { return epoch_; }

  std::optional<Batch> next();

  // Starts a new epoch, abandoning any batches left in the current one.
  void start_epoch();

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    explicit Iterator(DataLoader* loader) : loader_(loader) { ++*this; }
    const Batch& operator*() const { return *current_; }
    const Batch* operator->() const { return &*current_; }
    Iterator& operator++() {
      current_ = loader_->next();
      return *this;
    }
    bool operator==(std::default_sentinel_t) const { return !current_.has_value(); }

   private:
    DataLoader* loader_ = nullptr;
    std::optional<Batch> current_;
  };

  // begin() starts a new epoch.
  Iterator begin() {
    start_epoch();
    return Iterator(this);
  }
  std::default_sentinel_t end() const { return {}; }

 private:
  struct Job {
    std::int64_t epoch = 0;
    std::int64_t index = 0;
    std::shared_ptr<const std::vector<std::int64_t>> order;
  };
  Batch make_batch(const Job& job) const;
  Job job(std::int64_t index) const { return {epoch_, index, order_}; }
  void request(std::int64_t index);  // hands batch `index` of this epoch to the worker
  Batch take();                      // waits for it; rethrows the worker's error
  void wait_idle();                  // waits until the worker holds no job
  void worker_loop();

  Dataset dataset_;
  LoaderOptions options_;
  bool prefetch_;  // options_.prefetch, resolved
  Rng order_rng_;
  std::int64_t epoch_ = -1;
  std::int64_t position_ = 0;  // next batch to hand out
  bool in_epoch_ = false;
  std::shared_ptr<const std::vector<std::int64_t>> order_;

  // prefetch state, guarded by mutex_
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<Job> requested_;  // waiting for the worker
  bool busy_ = false;             // the worker is making a batch
  std::optional<Batch> ready_;
  std::exception_ptr error_;
  bool stop_ = false;
};

}  // namespace nnlab::data
