#pragma once
// Tabular datasets from delimited text: numeric feature columns plus one label column.
// Fields are split on the delimiter only (no quoting); blank lines are skipped.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "nnlab/data/dataset.h"

namespace nnlab::data {

struct CsvOptions {
  // The label column, by header name or by 0-based index (negative counts from the end).
  std::variant<std::int64_t, std::string> label_column = std::int64_t{-1};
  // nullopt: the first row is a header when one of its feature cells is not a number
  // (always, when label_column is a name).
  std::optional<bool> has_header = std::nullopt;
  Task task = Task::classification;
  char delimiter = ',';
};

// Reads the file into inputs (N, F) float32, one column per non-label column, and targets:
// classification: (N) int64. Labels that are all non-negative integers are used as class
// indices (num_classes = max + 1); otherwise each distinct string becomes a class in order of
// first appearance, kept in class_names.
// regression: (N, 1) float32.
// Throws IoError if the file cannot be read; DataError naming the file for an empty file, a
// row with the wrong number of cells (line and expected count), a non-numeric cell (line,
// 1-based, and column), or a label column that does not exist.
Dataset read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace nnlab::data
