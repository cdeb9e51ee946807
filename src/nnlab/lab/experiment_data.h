#pragma once
// The data of an experiment, from its [data] section: the dataset read or generated, split
// into train / validation / test, limited, relabelled and normalised as configured, in the
// model's dtype; and the training batches' augmentation.
#include <cstdint>
#include <string>

#include "nnlab/core/dtype.h"
#include "nnlab/data/dataset.h"
#include "nnlab/data/loader.h"
#include "nnlab/io/config.h"

namespace nnlab::lab {

struct ExperimentData {
  data::Dataset train;
  data::Dataset val;   // may be empty
  data::Dataset test;  // may be empty
  std::string source;  // where it came from, for the summary: a folder, a file, or "synthetic"
};

// Throws ConfigError when the section asks for something impossible (a file dataset without
// data.path, splits larger than the data, normalisation given for the wrong number of
// channels), and the readers' IoError / DataError for missing or malformed files.
ExperimentData load_experiment_data(const io::DataConfig& config, std::uint64_t seed, DType dtype);

// The augmentation of [data.augment] as a batch transform; empty when nothing is enabled.
// Throws ConfigError when augmentation is asked for on inputs that are not images (N, C, H, W).
data::BatchTransform make_augmentation(const io::AugmentConfig& config, const data::Dataset& train);

// One line per dataset name: what it is and where it reads from (`nnlab datasets`).
std::string describe_datasets();

}  // namespace nnlab::lab
