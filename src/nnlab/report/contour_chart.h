#pragma once
// Contours of a function sampled on a grid, with named paths and marked points drawn over them
// (optimiser trajectories on the Rosenbrock function, its minimum as a star).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::report {

// f sampled at columns x rows grid nodes spanning [x_min, x_max] x [y_min, y_max], ends
// included: values[r * columns + c] = f(x_min + c * dx, y_min + r * dy), so row 0 is y_min
// (the bottom), dx = (x_max - x_min) / (columns - 1).
struct GridFunction {
  double x_min = 0;
  double x_max = 1;
  double y_min = 0;
  double y_max = 1;
  std::int64_t columns = 0;
  std::int64_t rows = 0;
  std::vector<double> values = {};
};

struct ContourChart {
  std::string title = {};
  std::string x_label = {};
  std::string y_label = {};
  std::string value_label = {};  // the colour bar's label, e.g. "f(x, y)"
  GridFunction function = {};
  int levels = 12;
  bool log_levels = false;       // levels evenly spaced in log10 of the values (all must be > 0)
  std::vector<Path> paths = {};  // drawn over the contours in palette colours, named in the legend
  std::vector<MarkedPoint> marks = {};
  ChartSize size = {};
};

// Filled contour bands (light viridis) with grey level lines and a colour bar; each path starts
// with a dot; non-finite path points are gaps and points outside the grid are clipped. Marks are
// drawn last, over the paths: yellow stars, or white discs.
// Writes `<path without extension>.png` and `.svg`.
// Throws ValueError for a grid under 2 x 2, values.size() != columns * rows, non-finite values,
// x_min >= x_max or y_min >= y_max, levels < 2, a value <= 0 with log_levels, a constant
// function, or a path whose x and y differ in length; IoError when a file cannot be written.
ChartFiles plot_contours(const std::filesystem::path& path, const ContourChart& chart);

}  // namespace nnlab::report
