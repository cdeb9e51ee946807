#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/data/dataset.h"
#include "nnlab/data/loader.h"
#include "testing/asserts.h"

namespace nnlab::data {

namespace {

// n examples: input row i is (i, -i), target i % 4.
Dataset indexed(std::int64_t n) {
  std::vector<float> x;
  std::vector<std::int64_t> y;
  for (std::int64_t i = 0; i < n; ++i) {
    x.push_back(static_cast<float>(i));
    x.push_back(static_cast<float>(-i));
    y.push_back(i % 4);
  }
  Dataset d;
  d.inputs = Tensor::from_vector<float>(x, {n, 2});
  d.targets = Tensor::from_vector<std::int64_t>(y, {n});
  d.num_classes = 4;
  d.name = "indexed";
  return d;
}

LoaderOptions options(std::int64_t batch_size, bool prefetch, std::uint64_t seed = 3) {
  LoaderOptions o;
  o.batch_size = batch_size;
  o.seed = seed;
  o.prefetch = prefetch;
  return o;
}

// The example indices of each batch of one epoch, checking inputs and targets agree.
std::vector<std::vector<std::int64_t>> one_epoch(DataLoader& loader) {
  std::vector<std::vector<std::int64_t>> epoch;
  for (const Batch& batch : loader) {
    const std::vector<float> x = batch.inputs.to_vector<float>();
    const std::vector<std::int64_t> y = batch.targets.to_vector<std::int64_t>();
    std::vector<std::int64_t> rows;
    for (std::size_t i = 0; i < y.size(); ++i) {
      const auto row = static_cast<std::int64_t>(x[2 * i]);
      EXPECT_EQ(x[2 * i + 1], -x[2 * i]);
      EXPECT_EQ(y[i], row % 4);
      rows.push_back(row);
    }
    epoch.push_back(rows);
  }
  return epoch;
}

std::vector<std::int64_t> flat(const std::vector<std::vector<std::int64_t>>& epoch) {
  std::vector<std::int64_t> all;
  for (const auto& b : epoch) all.insert(all.end(), b.begin(), b.end());
  return all;
}

}  // namespace

TEST(DataLoader, EveryExampleOncePerEpoch) {
  for (bool prefetch : {false, true}) {
    DataLoader loader(indexed(10), options(4, prefetch));
    EXPECT_EQ(loader.size(), 3);
    for (int e = 0; e < 3; ++e) {
      const auto epoch = one_epoch(loader);
      ASSERT_EQ(epoch.size(), 3u);
      EXPECT_EQ(epoch[0].size(), 4u);
      EXPECT_EQ(epoch[2].size(), 2u);
      std::vector<std::int64_t> all = flat(epoch);
      std::sort(all.begin(), all.end());
      EXPECT_EQ(all, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
      EXPECT_EQ(loader.epoch(), e);
    }
  }
}

TEST(DataLoader, DropLastSkipsTheShortBatch) {
  LoaderOptions o = options(4, true);
  o.drop_last = true;
  DataLoader loader(indexed(10), o);
  EXPECT_EQ(loader.size(), 2);
  const auto epoch = one_epoch(loader);
  ASSERT_EQ(epoch.size(), 2u);
  EXPECT_EQ(epoch[1].size(), 4u);
}

// (n + batch_size - 1) / batch_size overflowed for a batch_size near 2^63: no batch at all.
TEST(DataLoader, BatchSizeNearInt64IsOneBatchOfEverything) {
  LoaderOptions o = options(std::numeric_limits<std::int64_t>::max(), false);
  DataLoader loader(indexed(10), o);
  EXPECT_EQ(loader.size(), 1);
  const auto epoch = one_epoch(loader);
  ASSERT_EQ(epoch.size(), 1u);
  EXPECT_EQ(epoch[0].size(), 10u);
  o.drop_last = true;
  EXPECT_EQ(DataLoader(indexed(10), o).size(), 0);
}

TEST(DataLoader, NoShuffleKeepsDatasetOrder) {
  LoaderOptions o = options(3, true);
  o.shuffle = false;
  DataLoader loader(indexed(7), o);
  EXPECT_EQ(flat(one_epoch(loader)), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(flat(one_epoch(loader)), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(DataLoader, OrderChangesPerEpochButIsReproducible) {
  DataLoader a(indexed(64), options(8, true, 9));
  DataLoader b(indexed(64), options(8, false, 9));
  DataLoader other_seed(indexed(64), options(8, true, 10));
  const auto a0 = flat(one_epoch(a));
  const auto a1 = flat(one_epoch(a));
  EXPECT_NE(a0, a1);
  EXPECT_EQ(a0, flat(one_epoch(b)));  // prefetch on and off give the same batches
  EXPECT_EQ(a1, flat(one_epoch(b)));
  EXPECT_NE(a0, flat(one_epoch(other_seed)));
}

TEST(DataLoader, NextReturnsNulloptAtEpochEndThenStartsTheNext) {
  DataLoader loader(indexed(5), options(2, true));
  int batches = 0;
  while (loader.next()) ++batches;
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(loader.epoch(), 0);
  EXPECT_TRUE(loader.next().has_value());
  EXPECT_EQ(loader.epoch(), 1);
}

TEST(DataLoader, TransformGetsAReproducibleRngPerBatch) {
  auto make = [](bool prefetch) {
    LoaderOptions o = options(4, prefetch);
    o.transform = [](Batch batch, Rng& rng) {
      batch.inputs = Tensor::full(batch.inputs.shape(), rng.uniform());
      return batch;
    };
    return o;
  };
  DataLoader on(indexed(12), make(true));
  DataLoader off(indexed(12), make(false));
  std::vector<double> first;
  for (int e = 0; e < 2; ++e) {
    for (const Batch& batch : on) first.push_back(batch.inputs.to_vector<double>()[0]);
  }
  std::vector<double> second;
  for (int e = 0; e < 2; ++e) {
    for (const Batch& batch : off) second.push_back(batch.inputs.to_vector<double>()[0]);
  }
  EXPECT_EQ(first, second);
  EXPECT_EQ(std::set<double>(first.begin(), first.end()).size(), first.size());  // all distinct
}

TEST(DataLoader, WorkerErrorsSurfaceInTheCaller) {
  for (bool prefetch : {true, false}) {
    LoaderOptions o = options(2, prefetch);
    o.transform = [](Batch batch, Rng&) -> Batch {
      if (batch.inputs.size(0) < 2) throw ValueError("transform: a full batch expected, got 1 example");
      return batch;
    };
    DataLoader loader(indexed(5), o);
    EXPECT_TRUE(loader.next().has_value());
    EXPECT_TRUE(loader.next().has_value());
    expect_throw_with<ValueError>([&] { loader.next(); }, "transform: a full batch expected, got 1 example");
    // the failed epoch is abandoned and the loader keeps working
    EXPECT_TRUE(loader.next().has_value());
    EXPECT_EQ(loader.epoch(), 1);
  }
}

TEST(DataLoader, EarlyDestructionIsClean) {
  std::atomic<int> made{0};
  LoaderOptions o = options(1, true);
  o.transform = [&made](Batch batch, Rng&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++made;
    return batch;
  };
  {
    DataLoader loader(indexed(100), o);
    EXPECT_TRUE(loader.next().has_value());  // the worker is now making batch 1
  }
  EXPECT_LE(made.load(), 2);  // destruction waited for at most the batch in progress
  { DataLoader never_iterated(indexed(3), o); }
  {
    DataLoader abandoned(indexed(100), o);
    abandoned.next();
    abandoned.start_epoch();  // abandons epoch 0 while a batch is in flight
    EXPECT_EQ(abandoned.epoch(), 1);
    EXPECT_TRUE(abandoned.next().has_value());
  }
}

TEST(DataLoader, RegressionTargetsKeepTheirTrailingDims) {
  Dataset d;
  d.inputs = Tensor::from_vector<double>({0, 1, 2, 3, 4}, {5, 1});
  d.targets = Tensor::from_vector<double>({0, 10, 20, 30, 40}, {5, 1});
  d.task = Task::regression;
  DataLoader loader(d, options(2, true));
  for (const Batch& batch : loader) {
    EXPECT_EQ(batch.targets.shape(), Shape({batch.inputs.size(0), 1}));
    const std::vector<double> x = batch.inputs.to_vector<double>();
    const std::vector<double> y = batch.targets.to_vector<double>();
    for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], 10 * x[i]);
  }
}

TEST(DataLoader, EmptyDatasetHasNoBatches) {
  Dataset d;
  d.inputs = Tensor::zeros({0, 2});
  d.targets = Tensor::zeros({0}, DType::i64);
  d.num_classes = 2;
  DataLoader loader(d, options(4, true));
  EXPECT_EQ(loader.size(), 0);
  EXPECT_FALSE(loader.next().has_value());
}

TEST(DataLoader, BadArgumentsAreNamed) {
  expect_throw_with<ValueError>([] { DataLoader(indexed(4), options(0, true)); },
                                "DataLoader: batch_size must be at least 1, got 0");
  Dataset bad = indexed(4);
  bad.num_classes = 2;
  expect_throw_with<DataError>([&] { DataLoader(bad, options(2, true)); }, "indexed: label 2 of example 2");
}

TEST(DataLoader, PrefetchesOnlyWhenItPays) {
  // indexed() rows are 2 floats: 8 KiB batches are gathered inline, 64 KiB ones ahead when a
  // core is free for the worker, and with a transform always; an explicit choice wins.
  const int threads = num_threads();
  set_num_threads(1);
  EXPECT_FALSE(DataLoader(indexed(10000), {.batch_size = 1024}).prefetches());
  EXPECT_EQ(DataLoader(indexed(10000), {.batch_size = 8192}).prefetches(), num_cores() > 1);
  set_num_threads(num_cores());
  EXPECT_FALSE(DataLoader(indexed(10000), {.batch_size = 8192}).prefetches());
  set_num_threads(threads);
  EXPECT_TRUE(DataLoader(indexed(100), {.batch_size = 4, .transform = [](Batch b, Rng&) { return b; }}).prefetches());
  EXPECT_TRUE(DataLoader(indexed(100), {.batch_size = 4, .prefetch = true}).prefetches());
  EXPECT_FALSE(DataLoader(indexed(10000), {.batch_size = 8192, .prefetch = false}).prefetches());
}

}  // namespace nnlab::data
