#include "nnlab/data/loader.h"

#include <algorithm>
#include <utility>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/ops/indexing.h"

namespace nnlab::data {

namespace {

// The seed of batch `index`'s transform Rng in `epoch`: one Philox block of (epoch, index)
// under a key derived from the loader's seed, so batches get independent streams.
std::uint64_t transform_seed(std::uint64_t seed, std::int64_t epoch, std::int64_t index) {
  const std::uint64_t counter = (static_cast<std::uint64_t>(epoch) << 32) ^ static_cast<std::uint64_t>(index);
  const PhiloxBlock block = philox4x32(counter, seed ^ 0x9E3779B97F4A7C15ull);
  return (static_cast<std::uint64_t>(block.words[0]) << 32) | block.words[1];
}

}  // namespace

DataLoader::DataLoader(const Dataset& dataset, LoaderOptions options)
    : dataset_(dataset), options_(std::move(options)), order_rng_(options_.seed) {
  NNLAB_CHECK(options_.batch_size >= 1, ValueError, "DataLoader: batch_size must be at least 1, got {}",
              options_.batch_size);
  validate(dataset_);
  constexpr std::int64_t kMinPrefetchBytes = 64 * 1024;
  const std::int64_t example_bytes = dataset_.size() == 0 ? 0
                                     : dataset_.inputs.numel() / dataset_.size() *
                                           static_cast<std::int64_t>(dtype_size(dataset_.inputs.dtype()));
  const std::int64_t batch_bytes = std::min(options_.batch_size, dataset_.size()) * example_bytes;
  const bool spare_core = num_cores() > num_threads();
  prefetch_ = options_.prefetch.value_or(static_cast<bool>(options_.transform) ||
                                         (batch_bytes >= kMinPrefetchBytes && spare_core));
}

DataLoader::~DataLoader() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    requested_.reset();  // a job not yet started is dropped; one in progress finishes first
  }
  cv_.notify_all();
  worker_.join();
}

std::int64_t DataLoader::size() const {
  const std::int64_t n = dataset_.size();
  // Not (n + batch_size - 1) / batch_size, which overflows for a batch_size near 2^63.
  const std::int64_t whole = n / options_.batch_size;
  return options_.drop_last || n % options_.batch_size == 0 ? whole : whole + 1;
}

void DataLoader::start_epoch() {
  wait_idle();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.reset();
    error_ = nullptr;
  }
  ++epoch_;
  std::vector<std::int64_t> order;
  if (options_.shuffle) {
    order = order_rng_.permutation(dataset_.size());
  } else {
    order.resize(static_cast<std::size_t>(dataset_.size()));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
  }
  order_ = std::make_shared<const std::vector<std::int64_t>>(std::move(order));
  position_ = 0;
  in_epoch_ = true;
  if (prefetch_ && size() > 0) request(0);
}

std::optional<Batch> DataLoader::next() {
  if (!in_epoch_) start_epoch();
  if (position_ >= size()) {
    in_epoch_ = false;
    return std::nullopt;
  }
  const std::int64_t index = position_++;
  if (!prefetch_) {
    try {
      return make_batch(job(index));
    } catch (...) {
      in_epoch_ = false;
      throw;
    }
  }
  Batch batch = take();
  if (position_ < size()) request(position_);
  return batch;
}

Batch DataLoader::make_batch(const Job& job) const {
  const std::int64_t begin = job.index * options_.batch_size;  // < dataset size: job.index < size()
  const std::int64_t end = begin + std::min<std::int64_t>(options_.batch_size, dataset_.size() - begin);
  const std::vector<std::int64_t> rows(job.order->begin() + begin, job.order->begin() + end);
  const Tensor index = Tensor::from_vector<std::int64_t>(rows, {end - begin});
  // batches are data, never part of a graph (grad mode is per thread, so set it here)
  NoGradGuard no_grad;
  Batch batch{ops::index_select(dataset_.inputs, 0, index), ops::index_select(dataset_.targets, 0, index)};
  if (options_.transform) {
    Rng rng(transform_seed(options_.seed, job.epoch, job.index));
    batch = options_.transform(std::move(batch), rng);
  }
  return batch;
}

void DataLoader::request(std::int64_t index) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requested_ = job(index);
  }
  if (!worker_.joinable()) worker_ = std::thread([this] { worker_loop(); });
  cv_.notify_all();
}

Batch DataLoader::take() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return ready_.has_value() || error_ != nullptr; });
  if (error_) {
    const std::exception_ptr error = std::exchange(error_, nullptr);
    in_epoch_ = false;
    std::rethrow_exception(error);
  }
  Batch batch = std::move(*ready_);
  ready_.reset();
  return batch;
}

void DataLoader::wait_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return !requested_.has_value() && !busy_; });
}

void DataLoader::worker_loop() {
  // OpenMP's thread count is per thread: without this the worker's gathers would start a
  // second team beside the training loop's and the two would fight over the cores.
  set_num_threads(1);
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || requested_.has_value(); });
    if (stop_) return;
    const Job job = std::move(*requested_);
    requested_.reset();
    busy_ = true;
    lock.unlock();
    std::optional<Batch> batch;
    std::exception_ptr error;
    try {
      batch = make_batch(job);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    busy_ = false;
    ready_ = std::move(batch);
    error_ = error;
    cv_.notify_all();
  }
}

}  // namespace nnlab::data
