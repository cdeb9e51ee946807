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

// The largest file read (256 MiB: MNIST as CSV is 110 MB). The text stays in memory while it
// is parsed, with 4 bytes per feature cell and about 40 per row on top.
constexpr std::uint64_t kMaxCsvBytes = std::uint64_t{256} << 20;

// Integer class labels must be below this: one stray label of 10,000,000 would otherwise build
// a 10-million-way output layer. ImageNet-21k has 21,841 classes.
constexpr std::int64_t kMaxCsvClasses = 100'000;

// Reads the file into inputs (N, F) float32, one column per non-label column, and targets:
// classification: (N) int64. Labels that are all non-negative integers are used as class
// indices (num_classes = max + 1): the largest must be below kMaxCsvClasses, and at least half
// of the classes 0..max must occur (so 1-based labels read, a stray label far beyond the others
// does not); otherwise each distinct string becomes a class in order of first appearance, kept
// in class_names.
// regression: (N, 1) float32.
// Throws IoError if the path is not a readable regular file; DataError naming the file for a
// file above kMaxCsvBytes, an empty file, a row with the wrong number of cells (line and
// expected count), a non-numeric cell or one that is not a finite float32 (nan, inf, 1e300:
// line, 1-based, and column), integer labels that break the rule above (line), or a label
// column that does not exist.
Dataset read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace nnlab::data
