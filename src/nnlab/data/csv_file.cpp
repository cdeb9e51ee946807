#include "nnlab/data/csv_file.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <new>
#include <string_view>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/input_file.h"

namespace nnlab::data {
namespace {

// One non-blank line of the file, as a view into its text.
struct Line {
  std::int64_t number = 0;  // 1-based
  std::string_view text;
};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// The non-blank lines of a text, one at a time.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : rest_(text) {}
  std::optional<Line> next() {
    while (!rest_.empty()) {
      const std::size_t end = rest_.find('\n');
      const std::string_view line = rest_.substr(0, end);
      rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
      ++number_;
      if (!trim(line).empty()) return Line{number_, line};
    }
    return std::nullopt;
  }

 private:
  std::string_view rest_;
  std::int64_t number_ = 0;
};

// The trimmed cells of one line, into `cells` (reused from line to line).
void split_cells(std::string_view line, char delimiter, std::vector<std::string_view>& cells) {
  cells.clear();
  for (;;) {
    const std::size_t end = line.find(delimiter);
    cells.push_back(trim(line.substr(0, end)));
    if (end == std::string_view::npos) return;
    line.remove_prefix(end + 1);
  }
}

std::optional<double> parse_number(std::string_view cell) {
  double value = 0;
  const char* first = cell.data();
  const char* last = cell.data() + cell.size();
  if (first != last && *first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, value);
  if (cell.empty() || end != last) return std::nullopt;
  // Past double's range from_chars leaves the value unset; strtod gives ±inf for "1e999" and
  // 0 (or a subnormal) for "1e-999", which float32 rounds to 0 as well.
  if (error == std::errc::result_out_of_range) return std::strtod(std::string(first, last).c_str(), nullptr);
  if (error != std::errc()) return std::nullopt;
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

// True when a cell of the row other than the label column (if known by index) is not a number.
bool looks_like_header(const std::vector<std::string_view>& cells, const CsvOptions& options) {
  if (std::holds_alternative<std::string>(options.label_column)) return true;
  const auto columns = static_cast<std::int64_t>(cells.size());
  std::int64_t label = std::get<std::int64_t>(options.label_column);
  if (label < 0) label += columns;
  for (std::int64_t c = 0; c < columns; ++c) {
    if (c != label && !parse_number(cells[c])) return true;
  }
  return false;
}

std::string column_name(std::int64_t c, const std::vector<std::string>* header) {
  if (header == nullptr) return fmt::format("column {}", c + 1);
  return fmt::format("column {} ('{}')", c + 1, (*header)[c]);
}

// A cell as a float32 that is finite: "nan", "inf" and 1e300 (past float32's 3.4e38) are
// errors naming the file, line and column, as is a cell that is not a number.
float finite_number(std::string_view cell, std::int64_t line, std::int64_t c, const std::vector<std::string>* header,
                    const std::string& path) {
  const std::optional<double> value = parse_number(cell);
  NNLAB_CHECK(value.has_value(), DataError, "csv: '{}': line {}, {}: expected a number, got '{}'", path, line,
              column_name(c, header), cell);
  const auto number = static_cast<float>(*value);
  NNLAB_CHECK(std::isfinite(number), DataError,
              "csv: '{}': line {}, {}: expected a finite number within float32's range (magnitude up to 3.4e38), "
              "got '{}'",
              path, line, column_name(c, header), cell);
  return number;
}

struct Label {
  std::int64_t line = 0;
  std::string_view text;
};

// Integer labels are class indices 0..N-1 with N = the largest + 1. One stray label must not
// make a huge output layer, so N is capped and at least half of the classes 0..N-1 must occur
// (1-based labels, which leave class 0 empty, still read).
void check_integer_classes(const std::vector<std::int64_t>& targets, const std::vector<Label>& labels,
                           const std::string& path) {
  const auto largest = std::max_element(targets.begin(), targets.end());
  const std::int64_t max_label = *largest;
  const std::int64_t line = labels[static_cast<std::size_t>(largest - targets.begin())].line;
  NNLAB_CHECK(max_label < kMaxCsvClasses, DataError,
              "csv: '{}': line {}: expected integer labels below {} (they are class indices 0..N-1), got {}; write "
              "labels as text to name classes",
              path, line, kMaxCsvClasses, max_label);
  std::vector<bool> seen(static_cast<std::size_t>(max_label + 1));
  for (std::int64_t t : targets) seen[static_cast<std::size_t>(t)] = true;
  const auto used = std::count(seen.begin(), seen.end(), true);
  NNLAB_CHECK(2 * used >= max_label + 1, DataError,
              "csv: '{}': line {}: label {} lies far beyond the others: integer labels are class indices 0..N-1 "
              "and at least half of them must occur, got {} of the {} classes 0..{}; write labels as text to name "
              "classes",
              path, line, max_label, used, max_label + 1, max_label);
}

// Class indices (N) int64: the integers themselves when every label is a non-negative integer,
// else one class per distinct string in order of first appearance. Sets num_classes and
// class_names on `out`.
Tensor class_targets(const std::vector<Label>& labels, const std::string& path, Dataset& out) {
  const auto n = static_cast<std::int64_t>(labels.size());
  std::vector<std::int64_t> targets;
  targets.reserve(labels.size());
  bool all_integers = true;
  for (const Label& label : labels) {
    const std::string_view l = label.text;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(l.data(), l.data() + l.size(), value);
    all_integers = all_integers && !l.empty() && error == std::errc() && end == l.data() + l.size() && value >= 0;
    targets.push_back(value);
  }
  if (all_integers) {
    check_integer_classes(targets, labels, path);
    out.num_classes = *std::max_element(targets.begin(), targets.end()) + 1;
  } else {
    std::map<std::string_view, std::int64_t> index_of;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::string_view text = labels[static_cast<std::size_t>(i)].text;
      const auto [it, inserted] = index_of.try_emplace(text, static_cast<std::int64_t>(out.class_names.size()));
      if (inserted) out.class_names.emplace_back(text);
      targets[static_cast<std::size_t>(i)] = it->second;
    }
    out.num_classes = static_cast<std::int64_t>(out.class_names.size());
  }
  return Tensor::from_vector(targets, {n});
}

Dataset parse_csv(const std::string& path, const CsvOptions& options) {
  // The text stays in memory while it is parsed; cells and labels are views into it.
  const std::string text =
      read_input_file(path, {.where = "csv", .expected = "a readable file", .max_bytes = kMaxCsvBytes});
  LineCursor lines(text);
  const std::optional<Line> first_line = lines.next();
  NNLAB_CHECK(first_line.has_value(), DataError, "csv: '{}': expected a header or data rows, got an empty file", path);
  std::vector<std::string_view> cells;
  split_cells(first_line->text, options.delimiter, cells);
  const bool has_header = options.has_header.value_or(looks_like_header(cells, options));
  const std::vector<std::string> header_cells(cells.begin(), cells.end());
  const std::vector<std::string>* header = has_header ? &header_cells : nullptr;
  const auto columns = static_cast<std::int64_t>(cells.size());
  const std::int64_t label = label_index(options, header, columns, path);

  std::vector<float> inputs;
  std::vector<Label> labels;
  for (std::optional<Line> line = has_header ? lines.next() : first_line; line; line = lines.next()) {
    split_cells(line->text, options.delimiter, cells);
    NNLAB_CHECK(static_cast<std::int64_t>(cells.size()) == columns, DataError,
                "csv: '{}': line {}: expected {} cells, got {}", path, line->number, columns, cells.size());
    for (std::int64_t c = 0; c < columns; ++c) {
      if (c != label) inputs.push_back(finite_number(cells[c], line->number, c, header, path));
    }
    labels.push_back({line->number, cells[label]});
  }
  NNLAB_CHECK(!labels.empty(), DataError, "csv: '{}': expected data rows after the header, got none", path);
  NNLAB_CHECK(columns >= 2, DataError, "csv: '{}': expected at least one feature column and a label, got {} column",
              path, columns);

  const auto n = static_cast<std::int64_t>(labels.size());
  Dataset out;
  out.inputs = Tensor::from_vector(inputs, {n, columns - 1});
  out.task = options.task;
  out.name = std::filesystem::path(path).stem().string();
  if (options.task == Task::regression) {
    std::vector<float> targets;
    for (const Label& l : labels) targets.push_back(finite_number(l.text, l.line, label, header, path));
    out.targets = Tensor::from_vector(targets, {n, 1});
    validate(out);
    return out;
  }

  out.targets = class_targets(labels, path, out);
  validate(out);
  return out;
}

}  // namespace

Dataset read_csv(const std::string& path, const CsvOptions& options) {
  try {
    return parse_csv(path, options);
  } catch (const std::bad_alloc&) {
    NNLAB_CHECK(false, DataError, "csv: '{}': out of memory holding its rows as numbers", path);
  }
  return {};
}

}  // namespace nnlab::data
