#pragma once
// Heat maps: a matrix of values with a colour bar (a confusion matrix), and classes over a
// plane with points on top (decision regions).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::report {

struct HeatMap {
  std::string title = {};
  std::string x_label = {};       // names the columns, e.g. "predicted class"
  std::string y_label = {};       // names the rows, e.g. "true class"
  std::string colour_label = {};  // e.g. "count"
  std::int64_t rows = 0;
  std::int64_t columns = 0;
  std::vector<double> values = {};              // row-major, row 0 at the top (as a matrix prints)
  std::vector<std::string> row_labels = {};     // empty (rows are numbered from 0) or one per row
  std::vector<std::string> column_labels = {};  // empty or one per column
  bool show_values = true;                      // write each value in its cell when there are <= 400 cells
  std::optional<std::pair<double, double>> colour_range = {};  // default: min..max of values
  ChartSize size = {};
};

// Writes `<path without extension>.png` and `.svg`.
// Throws ValueError for rows or columns < 1, values.size() != rows * columns, a non-finite
// value, labels whose count is neither 0 nor rows / columns, or an empty colour_range;
// IoError when a file cannot be written.
ChartFiles plot_heat_map(const std::filesystem::path& path, const HeatMap& chart);

// The plane [x_min, x_max] x [y_min, y_max] cut into columns x rows equal cells;
// classes[r * columns + c] is the class of the cell in row r and column c, row 0 at y_min (the
// bottom), as in GridFunction.
struct ClassRegions {
  std::string title = {};
  std::string x_label = {};
  std::string y_label = {};
  double x_min = 0;
  double x_max = 1;
  double y_min = 0;
  double y_max = 1;
  std::int64_t columns = 0;
  std::int64_t rows = 0;
  std::vector<std::int64_t> classes = {};
  std::vector<double> point_x = {};  // points drawn on top in their class' colour, dark outline
  std::vector<double> point_y = {};
  std::vector<std::int64_t> point_class = {};
  std::vector<std::string> class_names = {};  // empty ("class 0", ...) or one per class
  ChartSize size = {};
};

// The light tint of palette_colour(k) that class k's cells take in plot_class_regions.
Rgb region_colour(std::int64_t k);

// Cells in a light tint of their class' palette colour, points in the full colour; a legend
// names every class. Writes `<path without extension>.png` and `.svg`.
// Throws ValueError for rows or columns < 1, classes.size() != rows * columns, a class < 0 or
// >= class_names.size() (when given), point vectors of different lengths, a non-finite point,
// or x_min >= x_max / y_min >= y_max; IoError when a file cannot be written.
ChartFiles plot_class_regions(const std::filesystem::path& path, const ClassRegions& chart);

}  // namespace nnlab::report
