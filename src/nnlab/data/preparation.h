#pragma once
// The policy between reading a dataset and training on it: how validation and test examples
// are held out, which normalisation a dataset gets, and random labels for every split (E11).
// Readers and generators stay in their own files; experiment assembly (lab/) calls these in a
// fixed order: hold out -> limit -> random labels -> normalise.
#include <cstdint>
#include <optional>
#include <string>

#include "nnlab/data/dataset.h"
#include "nnlab/data/split.h"

namespace nnlab::data {

// A fraction in [0, 1) of n, or a whole count (>= 1).
std::int64_t holdout_count(double fraction_or_count, std::int64_t n);

// Holds `validation` examples out of `all` and, when the dataset has no test split of its own
// (`own_test` has no inputs), `test` more; both a fraction or a count. Shuffled with `seed`.
// Throws ConfigError naming `dataset_name` when nothing would be left to train on.
Splits hold_out(const Dataset& all, Dataset own_test, double validation, double test, std::uint64_t seed,
                const std::string& dataset_name);

// The first `rows` examples (all of them when there are fewer).
Dataset first_rows(const Dataset& dataset, std::int64_t rows);

// Every split's labels replaced by random classes, each split with its own stream (the labels
// of one split say nothing about another's). Throws ConfigError for regression data.
void randomize_labels(Splits& splits, std::uint64_t seed, const std::string& dataset_name);

// The published per-channel statistics of an image dataset (pixels scaled to [0, 1]):
// fashion-mnist, mnist, cifar10, cifar100; nullopt for any other name.
std::optional<Normalization> published_normalization(const std::string& dataset_name);

// Normalises every non-empty split with `normalization` (fitted on, or published for, train).
void normalize_splits(Splits& splits, const Normalization& normalization);

}  // namespace nnlab::data
