// Heat maps: continuous values with a colour bar, and classes over a plane.
#include "nnlab/report/heat_map.h"

#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/report/canvas.h"
#include "nnlab/report/chart_checks.h"

namespace nnlab::report {
namespace {

constexpr std::int64_t kMaxCellsWithValues = 400;

void check_heat_map(const std::string& where, const HeatMap& chart) {
  NNLAB_CHECK(chart.rows >= 1 && chart.columns >= 1, ValueError, "{}: needs rows and columns >= 1, got {} x {}", where,
              chart.rows, chart.columns);
  detail::check_same_size(where, "values", chart.values.size(), "rows * columns",
                          static_cast<std::size_t>(chart.rows * chart.columns));
  detail::check_finite(where, "values", chart.values);
  if (!chart.row_labels.empty()) {
    detail::check_same_size(where, "row_labels", chart.row_labels.size(), "rows", chart.rows);
  }
  if (!chart.column_labels.empty()) {
    detail::check_same_size(where, "column_labels", chart.column_labels.size(), "columns", chart.columns);
  }
  if (chart.colour_range) {
    NNLAB_CHECK(chart.colour_range->first < chart.colour_range->second, ValueError,
                "{}: colour_range must be increasing, got [{}, {}]", where, chart.colour_range->first,
                chart.colour_range->second);
  }
}

std::string label_of(const std::vector<std::string>& labels, std::int64_t i) {
  return labels.empty() ? std::to_string(i) : labels[i];
}

// Row and column labels beside the cells; every k-th one when they would crowd.
void draw_cell_labels(detail::Canvas& canvas, const HeatMap& chart) {
  const std::int64_t col_step = std::max<std::int64_t>(1, chart.columns / 25);
  const std::int64_t row_step = std::max<std::int64_t>(1, chart.rows / 25);
  canvas.set_colour({0, 0, 0});
  for (std::int64_t c = 0; c < chart.columns; c += col_step) {
    plmtex("b", 1.4, (c + 0.5) / chart.columns, 0.5, detail::escape_text(label_of(chart.column_labels, c)).c_str());
  }
  for (std::int64_t r = 0; r < chart.rows; r += row_step) {
    plmtex("lv", 0.8, 1.0 - (r + 0.5) / chart.rows, 1.0, detail::escape_text(label_of(chart.row_labels, r)).c_str());
  }
}

void draw_cell_values(detail::Canvas& canvas, const HeatMap& chart, double lo, double hi) {
  for (std::int64_t r = 0; r < chart.rows; ++r) {
    for (std::int64_t c = 0; c < chart.columns; ++c) {
      const double v = chart.values[r * chart.columns + c];
      const bool dark = (v - lo) / (hi - lo) < 0.55;  // viridis is dark below about 0.55
      canvas.set_colour(dark ? Rgb{255, 255, 255} : Rgb{0, 0, 0});
      const std::string text = v == std::round(v) && std::abs(v) < 1e6 ? fmt::format("{}", static_cast<long long>(v))
                                                                       : fmt::format("{:.2g}", v);
      canvas.text(c + 0.5, chart.rows - r - 0.5, text, 0.5, chart.rows > 12 ? 0.8 : 1.0);
    }
  }
}

}  // namespace

ChartFiles plot_heat_map(const std::filesystem::path& path, const HeatMap& chart) {
  const std::string where = "plot_heat_map '" + path.string() + "'";
  check_heat_map(where, chart);
  const auto [min_it, max_it] = std::minmax_element(chart.values.begin(), chart.values.end());
  auto [lo, hi] = chart.colour_range.value_or(std::pair{*min_it, *max_it});
  if (lo == hi) std::tie(lo, hi) = detail::padded_range(lo, hi, 0.0);
  auto draw = [&](detail::Canvas& canvas) {
    canvas.set_plot_area({.left = 110, .right = 150, .bottom = 90},
                         {0.0, double(chart.columns), 0.0, double(chart.rows)});
    canvas.fill_cells(0.0, double(chart.rows), 1.0, 1.0, chart.rows, chart.columns,
                      [&](std::int64_t r, std::int64_t c) {
                        return viridis((chart.values[r * chart.columns + c] - lo) / (hi - lo));
                      });
    canvas.set_colour({0, 0, 0});
    plbox("bc", 0, 0, "bc", 0, 0);
    draw_cell_labels(canvas, chart);
    if (chart.show_values && chart.rows * chart.columns <= kMaxCellsWithValues) {
      draw_cell_values(canvas, chart, lo, hi);
    }
    canvas.draw_title(chart.title);
    canvas.draw_x_label(chart.x_label);
    canvas.draw_y_label(chart.y_label);
    canvas.draw_colour_bar(lo, hi, chart.colour_label, false, 20);
  };
  return detail::render_chart(path, chart.size, {chart.title, {chart.x_label, chart.y_label, chart.colour_label}},
                              draw);
}

}  // namespace nnlab::report
