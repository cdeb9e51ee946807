#pragma once
// A scatter of points coloured by a value, with a colour bar; points may be grouped into
// paths (one trajectory per run in PCA space).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::report {

struct ScatterChart {
  std::string title = {};
  std::string x_label = {};
  std::string y_label = {};
  std::string colour_label = {};  // the colour bar's label, e.g. "accuracy"
  std::vector<double> x = {};
  std::vector<double> y = {};
  std::vector<double> colour = {};       // one value per point, mapped through viridis
  std::vector<std::int64_t> group = {};  // empty, or one id per point: a group's points are
                                         // joined by a thin line in their order here
  ChartSize size = {};
};

// Writes `<path without extension>.png` and `.svg`.
// Throws ValueError when x is empty, x, y, colour (and group, when given) differ in length, or
// a coordinate or colour value is not finite; IoError when a file cannot be written.
ChartFiles plot_scatter(const std::filesystem::path& path, const ScatterChart& chart);

}  // namespace nnlab::report
