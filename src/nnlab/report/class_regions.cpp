// Decision regions: one colour per class over a plane, with the data points on top.
#include <algorithm>

#include "nnlab/core/check.h"
#include "nnlab/report/canvas.h"
#include "nnlab/report/chart_checks.h"
#include "nnlab/report/heat_map.h"

namespace nnlab::report {
namespace {

constexpr double kRegionLighten = 0.6;  // region tints, so the full-colour points stand out

// The number of classes: class_names.size() when given, else one more than the largest class.
std::int64_t check_regions(const std::string& where, const ClassRegions& chart) {
  NNLAB_CHECK(chart.rows >= 1 && chart.columns >= 1, ValueError, "{}: needs rows and columns >= 1, got {} x {}", where,
              chart.rows, chart.columns);
  detail::check_same_size(where, "classes", chart.classes.size(), "rows * columns",
                          static_cast<std::size_t>(chart.rows * chart.columns));
  NNLAB_CHECK(chart.x_min < chart.x_max && chart.y_min < chart.y_max, ValueError,
              "{}: needs x_min < x_max and y_min < y_max, got x [{}, {}], y [{}, {}]", where, chart.x_min, chart.x_max,
              chart.y_min, chart.y_max);
  detail::check_same_size(where, "point_x", chart.point_x.size(), "point_y", chart.point_y.size());
  detail::check_same_size(where, "point_x", chart.point_x.size(), "point_class", chart.point_class.size());
  detail::check_finite(where, "point_x", chart.point_x);
  detail::check_finite(where, "point_y", chart.point_y);
  std::int64_t largest = 0;
  for (auto k : chart.classes) largest = std::max(largest, k);
  for (auto k : chart.point_class) largest = std::max(largest, k);
  const std::int64_t n = chart.class_names.empty() ? largest + 1 : static_cast<std::int64_t>(chart.class_names.size());
  auto check_class = [&](std::int64_t k, const char* what) {
    NNLAB_CHECK(k >= 0 && k < n, ValueError, "{}: {} must be in [0, {}), got {}", where, what, n, k);
  };
  for (auto k : chart.classes) check_class(k, "classes");
  for (auto k : chart.point_class) check_class(k, "point_class");
  return n;
}

}  // namespace

Rgb region_colour(std::int64_t k) { return detail::lighter(palette_colour(k), kRegionLighten); }

ChartFiles plot_class_regions(const std::filesystem::path& path, const ClassRegions& chart) {
  const std::string where = "plot_class_regions '" + path.string() + "'";
  const std::int64_t n_classes = check_regions(where, chart);
  std::vector<detail::LegendEntry> legend;
  std::vector<std::string> names{chart.x_label, chart.y_label};
  for (std::int64_t k = 0; k < n_classes; ++k) {
    const std::string name = chart.class_names.empty() ? "class " + std::to_string(k) : chart.class_names[k];
    legend.push_back({.name = name, .colour = palette_colour(k), .mark = detail::LegendMark::disc});
    names.push_back(name);
  }
  auto draw = [&](detail::Canvas& canvas) {
    canvas.set_plot_area({.right = canvas.legend_width(legend) + 32},
                         {chart.x_min, chart.x_max, chart.y_min, chart.y_max});
    const double cell_w = (chart.x_max - chart.x_min) / chart.columns;
    const double cell_h = (chart.y_max - chart.y_min) / chart.rows;
    // fill_cells counts rows from the top; the grid's row 0 is the bottom one
    canvas.fill_cells(chart.x_min, chart.y_max, cell_w, cell_h, chart.rows, chart.columns,
                      [&](std::int64_t r, std::int64_t c) {
                        const auto k = chart.classes[(chart.rows - 1 - r) * chart.columns + c];
                        return region_colour(k);
                      });
    for (std::size_t i = 0; i < chart.point_x.size(); ++i) {
      canvas.disc(chart.point_x[i], chart.point_y[i], 4.5, palette_colour(chart.point_class[i]), true);
    }
    canvas.set_colour({0, 0, 0});
    canvas.draw_axes(false, false);
    canvas.draw_title(chart.title);
    canvas.draw_x_label(chart.x_label);
    canvas.draw_y_label(chart.y_label);
    canvas.draw_legend(legend);
  };
  return detail::render_chart(path, chart.size, {chart.title, names}, draw);
}

}  // namespace nnlab::report
