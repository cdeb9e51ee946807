#pragma once
// E7's baselines: a classical model fitted to an experiment's data, with the same train /
// validation / test split as `nnlab train` on that config, and scored as the trainer scores a
// network. Two methods ([baseline] method, io/baseline_config.h):
//   boosted_trees      gradient-boosted trees (analysis/boosted_trees.h, XGBoost) on the raw
//                      inputs, each example flattened;
//   logistic_features  softmax regression (analysis/softmax_regression.h) on the features of the
//                      config's [model], built as `nnlab train` builds it (init_from loaded), taken
//                      before its final Linear layer (analysis/frozen_features.h).
// The run folder holds config.toml (the config and its [baseline] table), results.csv,
// metrics.jsonl / metrics.csv (train/, val/, test/ loss and accuracy, time/seconds, as a trained
// run's last epoch records them), summary.json, run.json, and for image inputs a picture of the
// first misclassified test images (plots/misclassified.png, .svg; its record in probes.jsonl).
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <limits>
#include <string>
#include <vector>

#include "nnlab/io/baseline_config.h"

namespace nnlab::lab {

// One split's score. The loss is the mean log loss, -log p(true class), with p clipped to at
// least 1e-15 (scikit-learn's log_loss) for boosted trees; the cross-entropy of the logits for
// logistic_features. Both NaN for an empty split.
struct BaselineScore {
  std::int64_t examples = 0;
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  double loss = std::numeric_limits<double>::quiet_NaN();
};

struct BaselineOutcome {
  std::filesystem::path folder{};
  std::string method{};       // "boosted_trees" or "logistic_features"
  std::string description{};  // what was fitted, on what: "gradient-boosted trees (XGBoost 1.7.4), ..."
  BaselineScore train{}, val{}, test{};
  double seconds = 0.0;              // the fit and the scoring (logistic_features: with the features)
  std::vector<std::string> notes{};  // things a reader should know (untrained features, ...)
};

struct BaselineOptions {
  std::filesystem::path run_dir{};   // set: the run folder itself, created new (else under config.out)
  std::string command{};             // the command line as typed, for run.json
  std::ostream* progress = nullptr;  // a line per stage; null: none
};

// Loads the data (and for logistic_features the model), checks that the baseline applies, then
// creates the run folder, fits, scores and writes the files above. Everything that makes the
// baseline impossible is a ConfigError thrown before the folder exists: a regression dataset, no
// training examples, a model without a final Linear layer. The readers' IoError / DataError, and
// XGBoost's errors, come later as they happen.
BaselineOutcome run_baseline(const io::BaselineFile& file, const BaselineOptions& options);

}  // namespace nnlab::lab
