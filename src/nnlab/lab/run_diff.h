#pragma once
// Two run folders side by side (two runs, or two trials of a sweep): the config keys that
// differ, the final epoch-level metrics, and the first optimiser step at which the losses part.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::lab {

struct RunDiff {
  // The config keys whose values differ, in config order: (key "optim.lr", A's value, B's value),
  // values as TOML text ("0.01", "\"adam\"", "[16]"). Layers are keyed "model.layers[2].out"
  // (from 1). A key only one run has (a layer the other lacks) has "" on the other side.
  // `name` and `out` are left out: they name the run, not what it does.
  std::vector<std::tuple<std::string, std::string, std::string>> config;
  // (tag, A's last value, B's last value) for each epoch-level tag both runs logged, among
  // train/val/test loss and accuracy and lr, in that order.
  std::vector<std::tuple<std::string, double, double>> finals;
  // The first optimiser step whose loss differs (bitwise: nnlab is deterministic). Read from
  // "step/loss" when both runs logged steps (losses_by_step), else from the epoch-level
  // "train/loss", giving the step at the end of the first epoch that differs. When one run
  // logged more losses than the other and the shared ones agree, the first step past the
  // shorter run. Empty when the losses agree throughout.
  std::optional<std::int64_t> first_differing_step;
  bool losses_by_step = false;
  std::int64_t losses_compared = 0;  // loss records compared (steps, or epochs)
  // Same config (but for name and out) and the same scalar records, time/* tags aside.
  bool identical = false;
};

// Compares the run folders `a` and `b`. Throws IoError naming a folder that is not a run folder
// (no config.toml), ConfigError for a config.toml that does not parse, DataError for a bad log line.
RunDiff diff_runs(const std::filesystem::path& a, const std::filesystem::path& b);

// Both runs' train/loss and val/loss (and step/loss where logged) over the optimiser step in one
// chart, series named "A: train/loss", "B: val/loss", ...; log y when every value is positive.
// Writes `<out_stem>.png` and `.svg`. Throws DataError naming both folders when neither run has
// a loss record; IoError when a file cannot be written.
report::ChartFiles plot_diff(const RunDiff& diff, const std::filesystem::path& a, const std::filesystem::path& b,
                             const std::filesystem::path& out_stem);

}  // namespace nnlab::lab
