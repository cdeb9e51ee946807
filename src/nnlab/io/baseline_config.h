#pragma once
// The [baseline] table of an experiment config: the classical model `nnlab baseline` fits to the
// config's data (the same train / validation / test split as `nnlab train`), to set beside the
// network (E7). The rest of the file is an ordinary experiment config.
//
//   [baseline]
//   method = "boosted_trees"   # gradient-boosted trees (XGBoost) on the raw inputs, flattened
//   rounds = 100               #   boosting rounds; one tree each (one per class above 2 classes)
//   max_depth = 6
//   eta = 0.3                  #   learning rate
//   subsample = 1.0            #   fraction of the training rows each tree sees
//   threads = 0                #   XGBoost's threads; 0: train.threads, else every core
//
//   method = "logistic_features"   # softmax regression on the features of the config's [model]
//   epochs = 100                   #   (built as `nnlab train` builds it, init_from loaded), taken
//   lr = 0.01                      #   just before its final Linear layer; Adam, mini-batches
//   batch_size = 256
//   weight_decay = 0.0
//
// Every key has a default (a file without [baseline] fits boosted trees); keys of the other
// method are accepted and unused, as [optim] keys of another optimiser are.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/io/config.h"

namespace nnlab::io {

struct BaselineConfig {
  std::string method = "boosted_trees";  // boosted_trees or logistic_features
  // boosted_trees (analysis/boosted_trees.h; XGBoost's defaults)
  std::int64_t rounds = 100;   // >= 1
  std::int64_t max_depth = 6;  // >= 1
  double eta = 0.3;            // in (0, 1]
  double subsample = 1.0;      // in (0, 1]
  std::int64_t threads = 0;    // >= 0
  // logistic_features (analysis/softmax_regression.h)
  std::int64_t epochs = 100;      // >= 1
  double lr = 0.01;               // > 0
  std::int64_t batch_size = 256;  // >= 1
  double weight_decay = 0.0;      // >= 0

  bool operator==(const BaselineConfig&) const = default;
};

// A baseline file: its [baseline] table and the rest of it as an experiment config.
struct BaselineFile {
  BaselineConfig baseline{};
  ExperimentConfig config{};
  std::string source{};  // the file's name, for errors
};

// Reads `path` and takes it apart. Overrides that start with "baseline." set [baseline] keys
// (`--set baseline.rounds=20`), the others go to parse_config with the rest of the file. Every
// [baseline] key is checked as the config's are: ConfigError
//   "<file>:<line>: unknown key 'round' in [baseline] (known: method, rounds, ...); did you mean 'rounds'?"
//   "<file>:<line>: [baseline] eta: expected a number in (0, 1], got 2"
//   "--set baseline.rounds=0: [baseline] rounds: expected an integer >= 1, got 0"
// IoError when the file cannot be read.
BaselineFile load_baseline_file(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});
// The same for a file's text; `source` names it in errors.
BaselineFile parse_baseline_text(const std::string& text, const std::string& source,
                                 const std::vector<std::string>& overrides = {});

// The table as TOML, every key written: "[baseline]\nmethod = \"boosted_trees\"\n...". Appended
// to to_toml(config), it gives back the same BaselineFile.
std::string to_toml(const BaselineConfig& baseline);

// Every [baseline] key, one per line, for `nnlab baseline --help`:
//   "baseline.rounds  integer >= 1  (default 100)  boosted_trees: boosting rounds"
std::string describe_baseline_keys();

}  // namespace nnlab::io
