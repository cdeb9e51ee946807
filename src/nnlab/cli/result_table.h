#pragma once
// The tables the commands print: a run's final numbers, and an evaluation's.
#include <string>
#include <vector>

#include "nnlab/lab/experiment.h"

namespace nnlab::cli {

// One row per split (train, val, test) with loss and accuracy, then time, steps, parameters
// and the run folder.
std::string result_table(const lab::RunOutcome& outcome);

// A table of loss and accuracy per named split.
struct SplitResult {
  std::string split;
  double loss = 0.0;
  double accuracy = 0.0;  // NaN: not a classification task
  std::int64_t examples = 0;
};
std::string split_table(const std::vector<SplitResult>& rows);

// Rows of cells as columns padded to their widest cell, two spaces apart, each line starting with
// `indent`; trailing spaces dropped.
std::string text_columns(const std::vector<std::vector<std::string>>& rows, const std::string& indent = "");

}  // namespace nnlab::cli
