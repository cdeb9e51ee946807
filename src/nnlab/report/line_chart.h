#pragma once
// Line charts: several named series over one x axis (loss per epoch for six learning rates),
// and the two-y-axes variant (gradient norm and loss per iteration).
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::report {

struct LineChart {
  std::string title = {};
  std::string x_label = {};  // with units, e.g. "epoch"
  std::string y_label = {};  // e.g. "validation loss"
  std::vector<Series> series = {};
  bool log_x = false;
  bool log_y = false;
  bool markers = false;  // a dot at every point
  ChartSize size = {};
};

// Draws every series in palette order, with a legend when there are two or more; a non-finite
// point (NaN, inf) is a gap. Writes `<path without extension>.png` and `.svg`.
// Throws ValueError for no series, a series with x and y of different lengths or empty, no
// finite point in the whole chart, or a value <= 0 on a log axis; IoError when a file cannot
// be written.
ChartFiles plot_lines(const std::filesystem::path& path, const LineChart& chart);

struct TwoAxisChart {
  std::string title = {};
  std::string x_label = {};
  std::string left_label = {};   // the left y axis, e.g. "loss"
  std::string right_label = {};  // the right y axis, e.g. "gradient norm"
  std::vector<Series> left = {};
  std::vector<Series> right = {};
  bool log_x = false;
  bool log_left = false;
  bool log_right = false;
  ChartSize size = {};
};

// Left series drawn solid against the left axis, right series dashed against the right axis,
// in distinct palette colours; the legend marks each name "(left)" or "(right)". When a side
// has one series its axis label takes that series' colour.
// Throws ValueError as plot_lines, and when either side has no series.
ChartFiles plot_two_axes(const std::filesystem::path& path, const TwoAxisChart& chart);

}  // namespace nnlab::report
