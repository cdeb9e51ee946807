#pragma once
// How report.html sorts a run's scalar tags. A tag is epoch-level when the run records it once
// per epoch at the epoch's end ("train/loss", "lr", "time/epoch_seconds", a probe run at epoch
// ends): its records have distinct epochs, each sits at the last step seen in its epoch, and it
// misses at most the newest epoch (which may still be running). Every other tag is step-level
// ("step/loss", "grad_norm/0.weight" every 100 steps).
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/io/metrics_log.h"

namespace nnlab::report {

// A tag that names one parameter ("weight_norm/1.weight", "gradients/layer1.0.conv1.weight"):
// its last path component holds a '.'. Such per-parameter numbers are drawn in charts (and
// written for TensorBoard) but left out of the report's tables and histogram cards.
bool names_a_parameter(const std::string& tag);

// The epoch-level tags as a table: one row per epoch that has any of them.
struct EpochTable {
  // Columns: train/, val/ and test/ tags, then lr, then the others (per-parameter ones left
  // out), then time/, each in order of first appearance.
  std::vector<std::string> tags;
  std::vector<std::int64_t> epochs;         // rows, ascending
  std::vector<std::vector<double>> values;  // [row][column]; NaN where the epoch lacks the tag
};

EpochTable epoch_table(const io::RunRecords& records);

// One interactive chart's worth of tags: all epoch-level (x = epoch) or all step-level (x = step).
struct ScalarGroup {
  std::string title;  // "loss", "accuracy", "lr", or the tags' first path component ("grad_norm")
  bool per_epoch = false;
  std::vector<std::string> tags;
};

// The charts for a run: epoch-level tags ending in "/loss", then "/accuracy", then "lr", then
// one group per first path component (epoch-level and step-level apart), in order of first
// appearance. Tags under "time/" get no chart: the timing section reports them.
std::vector<ScalarGroup> scalar_groups(const io::RunRecords& records);

}  // namespace nnlab::report
