#include "nnlab/data/preparation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "nnlab/core/check.h"
#include "nnlab/data/synthetic.h"
#include "nnlab/tensor/creation.h"

namespace nnlab::data {

std::int64_t holdout_count(double value, std::int64_t n) {
  return value < 1.0 ? static_cast<std::int64_t>(std::llround(value * static_cast<double>(n)))
                     : static_cast<std::int64_t>(value);
}

Splits hold_out(const Dataset& all, Dataset own_test, double validation, double test, std::uint64_t seed,
                const std::string& dataset_name) {
  const std::int64_t n = all.size();
  const bool has_test = own_test.inputs.defined();
  const std::int64_t val_count = holdout_count(validation, n);
  const std::int64_t test_count = has_test ? 0 : holdout_count(test, n);
  NNLAB_CHECK(
      val_count + test_count < n, ConfigError,
      "[data] validation ({}) and test ({}) take {} of the {} training examples of '{}', leaving none to train on",
      validation, has_test ? 0.0 : test, val_count + test_count, n, dataset_name);
  Splits parts =
      split(all, SplitCounts{.train = n - val_count - test_count, .val = val_count, .test = test_count}, seed);
  if (has_test) parts.test = std::move(own_test);
  return parts;
}

Dataset first_rows(const Dataset& dataset, std::int64_t rows) {
  return subset(dataset, arange(0, static_cast<double>(std::min(rows, dataset.size())), 1.0, DType::i64));
}

void randomize_labels(Splits& splits, std::uint64_t seed, const std::string& dataset_name) {
  NNLAB_CHECK(splits.train.task == Task::classification, ConfigError,
              "[data] random_labels: needs a classification dataset, '{}' is regression", dataset_name);
  splits.train = random_labels(splits.train, seed + 1);
  if (splits.val.size() > 0) splits.val = random_labels(splits.val, seed + 2);
  if (splits.test.size() > 0) splits.test = random_labels(splits.test, seed + 3);
}

std::optional<Normalization> published_normalization(const std::string& dataset_name) {
  static const std::map<std::string, Normalization> table = {
      {"fashion-mnist", {.mean = {0.2860}, .std = {0.3530}, .per_channel = true}},
      {"mnist", {.mean = {0.1307}, .std = {0.3081}, .per_channel = true}},
      {"cifar10", {.mean = {0.4914, 0.4822, 0.4465}, .std = {0.2470, 0.2435, 0.2616}, .per_channel = true}},
      {"cifar100", {.mean = {0.5071, 0.4865, 0.4409}, .std = {0.2673, 0.2564, 0.2762}, .per_channel = true}},
  };
  const auto found = table.find(dataset_name);
  if (found == table.end()) return std::nullopt;
  return found->second;
}

void normalize_splits(Splits& splits, const Normalization& normalization) {
  splits.train = normalize(splits.train, normalization);
  if (splits.val.size() > 0) splits.val = normalize(splits.val, normalization);
  if (splits.test.size() > 0) splits.test = normalize(splits.test, normalization);
}

}  // namespace nnlab::data
