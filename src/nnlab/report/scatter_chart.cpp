// Scatter coloured by a value, with optional paths joining each group's points.
#include "nnlab/report/scatter_chart.h"

#include <algorithm>
#include <map>

#include "nnlab/report/canvas.h"
#include "nnlab/report/chart_checks.h"

namespace nnlab::report {
namespace {

void check_scatter(const std::string& where, const ScatterChart& chart) {
  detail::check_not_empty(where, "x", chart.x.size());
  detail::check_same_size(where, "x", chart.x.size(), "y", chart.y.size());
  detail::check_same_size(where, "x", chart.x.size(), "colour", chart.colour.size());
  if (!chart.group.empty()) {
    detail::check_same_size(where, "x", chart.x.size(), "group", chart.group.size());
  }
  detail::check_finite(where, "x", chart.x);
  detail::check_finite(where, "y", chart.y);
  detail::check_finite(where, "colour", chart.colour);
}

// Each group's points in order, keyed by group id.
std::map<std::int64_t, std::vector<std::size_t>> group_members(const ScatterChart& chart) {
  std::map<std::int64_t, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < chart.group.size(); ++i) members[chart.group[i]].push_back(i);
  return members;
}

}  // namespace

ChartFiles plot_scatter(const std::filesystem::path& path, const ScatterChart& chart) {
  const std::string where = "plot_scatter '" + path.string() + "'";
  check_scatter(where, chart);
  const auto [x_lo, x_hi] = std::minmax_element(chart.x.begin(), chart.x.end());
  const auto [y_lo, y_hi] = std::minmax_element(chart.y.begin(), chart.y.end());
  const auto [c_lo, c_hi] = std::minmax_element(chart.colour.begin(), chart.colour.end());
  const auto [x0, x1] = detail::padded_range(*x_lo, *x_hi, 0.05);
  const auto [y0, y1] = detail::padded_range(*y_lo, *y_hi, 0.05);
  const auto [c0, c1] = *c_lo == *c_hi ? detail::padded_range(*c_lo, *c_hi, 0.0) : std::pair{*c_lo, *c_hi};
  auto draw = [&](detail::Canvas& canvas) {
    canvas.set_plot_area({.right = 150}, {x0, x1, y0, y1});
    canvas.draw_axes(false, false);
    canvas.set_colour({120, 120, 120});
    canvas.set_line_width(1.0);
    for (const auto& [id, members] : group_members(chart)) {
      std::vector<double> px, py;
      for (std::size_t i : members) {
        px.push_back(chart.x[i]);
        py.push_back(chart.y[i]);
      }
      canvas.polyline(px, py);
    }
    for (std::size_t i = 0; i < chart.x.size(); ++i) {
      canvas.disc(chart.x[i], chart.y[i], 4.5, viridis((chart.colour[i] - c0) / (c1 - c0)), true);
    }
    canvas.draw_title(chart.title);
    canvas.draw_x_label(chart.x_label);
    canvas.draw_y_label(chart.y_label);
    canvas.draw_colour_bar(c0, c1, chart.colour_label, false, 20);
  };
  return detail::render_chart(path, chart.size, {chart.title, {chart.x_label, chart.y_label, chart.colour_label}},
                              draw);
}

}  // namespace nnlab::report
