#pragma once
// The data of an experiment, from its [data] section: the dataset read or generated, narrowed to
// some classes, split into train / validation / test, limited, relabelled, resized and normalised
// as configured, in the model's dtype; and the training batches' augmentation.
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
// channels, keep_classes naming a class the dataset lacks or one twice, image_size for inputs
// that are not images), and the readers' IoError / DataError for missing or malformed files.
ExperimentData load_experiment_data(const io::DataConfig& config, std::uint64_t seed, DType dtype);

// Checks, without reading them, that the files the section names are there, so that a command
// can stop before it creates a folder or starts a run. For cifar10 and cifar100: data.path is set
// and every batch file is in it with a whole number of records. ConfigError naming the missing
// file (or data.path), where to download the dataset's binary version and which key names its
// folder; DataError naming a file of the wrong size. Other datasets are checked when read.
void check_experiment_data(const io::DataConfig& config);

// The augmentation of [data.augment] as a batch transform; empty when nothing is enabled.
// Throws ConfigError when augmentation is asked for on inputs that are not images (N, C, H, W).
data::BatchTransform make_augmentation(const io::AugmentConfig& config, const data::Dataset& train);

// One line per dataset name: what it is and where it reads from (`nnlab datasets`).
std::string describe_datasets();

}  // namespace nnlab::lab
