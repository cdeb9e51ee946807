#pragma once
// A sweep's results: one row per configuration (its trials over seeds), the final and best value
// of each metric as mean, std and a 95 % Student-t interval over the seeds that finished, wall
// time, optimiser steps per epoch and the model's parameter count; ranked by `rank_by` (an accuracy is maximised, anything
// else minimised). Written as results.csv and printed as a table.
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/analysis/statistics.h"
#include "nnlab/lab/sweep_runner.h"

namespace nnlab::lab {

struct MetricResult {
  std::string tag;                // "val/accuracy"
  analysis::SampleSummary final;  // the last epoch's value of each finished trial
  analysis::SampleSummary best;   // each trial's best epoch (lowest loss, highest accuracy)
};

struct ResultRow {
  std::int64_t rank = 0;  // 1 = best; rows without a finished trial come last
  std::string configuration;
  std::vector<io::KeyValueText> settings;
  std::int64_t trials = 0, finished = 0, diverged = 0, failed = 0, pruned = 0, not_run = 0;
  std::vector<MetricResult> metrics;  // rank_by first, then the others the trials recorded
  analysis::SampleSummary seconds;    // wall time of training
  double steps_per_epoch = 0.0;
  std::int64_t parameters = 0;  // the model's parameter count (0: no trial finished)
  std::string reason;  // the first diverged, failed or pruned trial's reason
};

// Reads the finished trials' run folders; throws DataError for an unreadable one.
std::vector<ResultRow> collect_results(const SweepOutcome& sweep);

// results.csv: rank, configuration, each swept key, counts (trials, finished, diverged, failed,
// pruned), then per metric
// <tag>_mean, <tag>_std, <tag>_ci95, <tag>_n, <tag>_best_mean; parameters, seconds_mean,
// steps_per_epoch.
std::string results_csv(const std::vector<ResultRow>& rows);

// The printed table of the best `top` rows (0: all).
std::string results_table(const std::vector<ResultRow>& rows, const std::string& rank_by, std::int64_t top);

}  // namespace nnlab::lab
