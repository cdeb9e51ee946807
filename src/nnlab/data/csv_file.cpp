#include "nnlab/data/csv_file.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "nnlab/core/check.h"

namespace nnlab::data {
namespace {

struct Row {
  std::int64_t line;  // 1-based line number in the file
  std::vector<std::string> cells;
};

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<Row> read_rows(const std::string& path, char delimiter) {
  std::error_code ignored;
  NNLAB_CHECK(std::filesystem::is_regular_file(path, ignored), IoError,
              "csv: '{}': expected a readable file, got no such file", path);
  std::ifstream in(path);
  NNLAB_CHECK(in.good(), IoError, "csv: '{}': expected a readable file, got an open failure", path);
  std::vector<Row> rows;
  std::int64_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (trim(line).empty()) continue;
    Row row{line_number, {}};
    std::size_t start = 0;
    for (;;) {
      const std::size_t end = line.find(delimiter, start);
      row.cells.push_back(trim(line.substr(start, end == std::string::npos ? std::string::npos : end - start)));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    rows.push_back(std::move(row));
  }
  NNLAB_CHECK(!rows.empty(), DataError, "csv: '{}': expected a header or data rows, got an empty file", path);
  return rows;
}

std::optional<double> parse_number(const std::string& cell) {
  double value = 0;
  const char* first = cell.data();
  const char* last = cell.data() + cell.size();
  if (first != last && *first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, value);
  if (cell.empty() || error != std::errc() || end != last) return std::nullopt;
  return value;
}

std::int64_t label_index(const CsvOptions& options, const std::vector<std::string>* header, std::int64_t columns,
                         const std::string& path) {
  if (const auto* name = std::get_if<std::string>(&options.label_column)) {
    NNLAB_CHECK(header != nullptr, DataError, "csv: '{}': expected a header to find label column '{}', got none", path,
                *name);
    for (std::size_t c = 0; c < header->size(); ++c) {
      if ((*header)[c] == *name) return static_cast<std::int64_t>(c);
    }
    NNLAB_CHECK(false, DataError, "csv: '{}': expected a label column named '{}', got columns {}", path, *name,
                fmt::join(*header, ", "));
  }
  const std::int64_t index = std::get<std::int64_t>(options.label_column);
  const std::int64_t resolved = index < 0 ? index + columns : index;
  NNLAB_CHECK(resolved >= 0 && resolved < columns, DataError,
              "csv: '{}': expected a label column index in -{}..{}, got {}", path, columns, columns - 1, index);
  return resolved;
}

// True when a cell of `row` other than the label column (if known by index) is not a number.
bool looks_like_header(const Row& row, const CsvOptions& options) {
  if (std::holds_alternative<std::string>(options.label_column)) return true;
  const auto columns = static_cast<std::int64_t>(row.cells.size());
  std::int64_t label = std::get<std::int64_t>(options.label_column);
  if (label < 0) label += columns;
  for (std::int64_t c = 0; c < columns; ++c) {
    if (c != label && !parse_number(row.cells[c])) return true;
  }
  return false;
}

std::string column_name(std::int64_t c, const std::vector<std::string>* header) {
  if (header == nullptr) return fmt::format("column {}", c + 1);
  return fmt::format("column {} ('{}')", c + 1, (*header)[c]);
}

// Class indices (N) int64: the integers themselves when every label is a non-negative integer,
// else one class per distinct string in order of first appearance. Sets num_classes and
// class_names on `out`.
Tensor class_targets(const std::vector<std::string>& labels, Dataset& out) {
  const auto n = static_cast<std::int64_t>(labels.size());
  std::vector<std::int64_t> targets;
  bool all_integers = true;
  for (const std::string& l : labels) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(l.data(), l.data() + l.size(), value);
    all_integers = all_integers && !l.empty() && error == std::errc() && end == l.data() + l.size() && value >= 0;
    targets.push_back(value);
  }
  if (all_integers) {
    std::int64_t max_label = 0;
    for (std::int64_t t : targets) max_label = std::max(max_label, t);
    out.num_classes = max_label + 1;
  } else {
    std::map<std::string, std::int64_t> index_of;
    for (std::int64_t i = 0; i < n; ++i) {
      const auto [it, inserted] = index_of.try_emplace(labels[i], static_cast<std::int64_t>(out.class_names.size()));
      if (inserted) out.class_names.push_back(labels[i]);
      targets[i] = it->second;
    }
    out.num_classes = static_cast<std::int64_t>(out.class_names.size());
  }
  return Tensor::from_vector(targets, {n});
}

}  // namespace

Dataset read_csv(const std::string& path, const CsvOptions& options) {
  const std::vector<Row> rows = read_rows(path, options.delimiter);
  const bool has_header = options.has_header.value_or(looks_like_header(rows.front(), options));
  const std::vector<std::string>* header = has_header ? &rows.front().cells : nullptr;
  const auto columns = static_cast<std::int64_t>(rows.front().cells.size());
  const std::int64_t label = label_index(options, header, columns, path);
  const std::size_t first = has_header ? 1 : 0;
  NNLAB_CHECK(rows.size() > first, DataError, "csv: '{}': expected data rows after the header, got none", path);
  NNLAB_CHECK(columns >= 2, DataError, "csv: '{}': expected at least one feature column and a label, got {} column",
              path, columns);

  const auto n = static_cast<std::int64_t>(rows.size() - first);
  const std::int64_t features = columns - 1;
  std::vector<float> inputs;
  inputs.reserve(static_cast<std::size_t>(n * features));
  std::vector<std::string> labels;
  for (std::size_t r = first; r < rows.size(); ++r) {
    const Row& row = rows[r];
    NNLAB_CHECK(static_cast<std::int64_t>(row.cells.size()) == columns, DataError,
                "csv: '{}': line {}: expected {} cells, got {}", path, row.line, columns, row.cells.size());
    for (std::int64_t c = 0; c < columns; ++c) {
      if (c == label) continue;
      const std::optional<double> value = parse_number(row.cells[c]);
      NNLAB_CHECK(value.has_value(), DataError, "csv: '{}': line {}, {}: expected a number, got '{}'", path, row.line,
                  column_name(c, header), row.cells[c]);
      inputs.push_back(static_cast<float>(*value));
    }
    labels.push_back(row.cells[label]);
  }

  Dataset out;
  out.inputs = Tensor::from_vector(inputs, {n, features});
  out.task = options.task;
  out.name = std::filesystem::path(path).stem().string();
  if (options.task == Task::regression) {
    std::vector<float> targets;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::optional<double> value = parse_number(labels[i]);
      NNLAB_CHECK(value.has_value(), DataError, "csv: '{}': line {}, {}: expected a number, got '{}'", path,
                  rows[first + i].line, column_name(label, header), labels[i]);
      targets.push_back(static_cast<float>(*value));
    }
    out.targets = Tensor::from_vector(targets, {n, 1});
    validate(out);
    return out;
  }

  out.targets = class_targets(labels, out);
  validate(out);
  return out;
}

}  // namespace nnlab::data
