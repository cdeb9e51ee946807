#pragma once
// Histograms of one or more series overlaid (the probability given to the true class, for
// correctly and incorrectly classified samples).
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::report {

// Either raw `values`, bucketed by the chart, or ready `edges` (n + 1, increasing) and
// `counts` (n, >= 0); not both.
struct HistogramSeries {
  std::string name = {};
  std::vector<double> values = {};
  std::vector<double> edges = {};
  std::vector<double> counts = {};
};

enum class HistogramStyle { filled, step };  // semi-transparent bars, or outlines only

struct HistogramChart {
  std::string title = {};
  std::string x_label = {};
  std::string y_label = "count";
  std::vector<HistogramSeries> series = {};
  int buckets = 20;                                     // for raw values: equal buckets over `range`
  std::optional<std::pair<double, double>> range = {};  // default: min..max of all raw values
  bool fraction = false;  // each series' counts divided by its total (compares unequal sizes)
  HistogramStyle style = HistogramStyle::filled;
  ChartSize size = {};
};

// Raw values outside `range` are left out. A legend names the series when there are two or
// more. Writes `<path without extension>.png` and `.svg`.
// Throws ValueError for no series, a series with both or neither of values and edges/counts,
// edges.size() != counts.size() + 1, edges not increasing, negative or non-finite counts,
// non-finite values, buckets < 1, an empty range, or all counts zero; IoError when a file
// cannot be written.
ChartFiles plot_histograms(const std::filesystem::path& path, const HistogramChart& chart);

}  // namespace nnlab::report
