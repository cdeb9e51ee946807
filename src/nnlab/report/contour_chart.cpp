// Filled contours of a sampled function, with paths and marked points on top.
#include "nnlab/report/contour_chart.h"

#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>

#include "nnlab/core/check.h"
#include "nnlab/report/canvas.h"
#include "nnlab/report/chart_checks.h"

namespace nnlab::report {
namespace {

constexpr double kFillLighten = 0.45;  // pale bands keep the paths on top readable
constexpr Rgb kMarkColour{255, 200, 0};
constexpr Rgb kStartColour{255, 255, 255};

void check_contours(const std::string& where, const ContourChart& chart) {
  const GridFunction& f = chart.function;
  NNLAB_CHECK(f.columns >= 2 && f.rows >= 2, ValueError,
              "{}: the grid needs at least 2 x 2 nodes, got {} columns x {} rows", where, f.columns, f.rows);
  detail::check_same_size(where, "values", f.values.size(), "columns * rows",
                          static_cast<std::size_t>(f.columns * f.rows));
  NNLAB_CHECK(f.x_min < f.x_max && f.y_min < f.y_max, ValueError,
              "{}: needs x_min < x_max and y_min < y_max, got x [{}, {}], y [{}, {}]", where, f.x_min, f.x_max, f.y_min,
              f.y_max);
  NNLAB_CHECK(chart.levels >= 2, ValueError, "{}: levels must be >= 2, got {}", where, chart.levels);
  detail::check_finite(where, "values", f.values);
  if (chart.log_levels) detail::check_positive_for_log(where, "values with log_levels", f.values);
  for (const auto& p : chart.paths) {
    detail::check_same_size(where, "path '" + p.name + "' x", p.x.size(), "y", p.y.size());
  }
}

// The values (log10 with log levels) as PLplot's a[column][row] matrix.
std::vector<double> column_major(const ContourChart& chart) {
  const GridFunction& f = chart.function;
  std::vector<double> a(f.values.size());
  for (std::int64_t r = 0; r < f.rows; ++r) {
    for (std::int64_t c = 0; c < f.columns; ++c) {
      const double v = f.values[r * f.columns + c];
      a[c * f.rows + r] = chart.log_levels ? std::log10(v) : v;
    }
  }
  return a;
}

// Bands and level lines through PLplot's pltr1 (node coordinates from two 1-D arrays).
void draw_bands(detail::Canvas& canvas, const ContourChart& chart, std::vector<double>& a,
                const std::vector<double>& levels) {
  const GridFunction& f = chart.function;
  std::vector<double> xg(f.columns), yg(f.rows);
  for (std::int64_t c = 0; c < f.columns; ++c) xg[c] = f.x_min + (f.x_max - f.x_min) * c / (f.columns - 1);
  for (std::int64_t r = 0; r < f.rows; ++r) yg[r] = f.y_min + (f.y_max - f.y_min) * r / (f.rows - 1);
  PLcGrid grid{xg.data(), yg.data(), nullptr, static_cast<PLINT>(f.columns), static_cast<PLINT>(f.rows), 0};
  std::vector<const double*> columns(f.columns);
  for (std::int64_t c = 0; c < f.columns; ++c) columns[c] = a.data() + c * f.rows;
  std::vector<PLINT> ri(256), gi(256), bi(256);
  for (int i = 0; i < 256; ++i) {
    const Rgb colour = detail::lighter(viridis(i / 255.0), kFillLighten);
    ri[i] = colour.r;
    gi[i] = colour.g;
    bi[i] = colour.b;
  }
  plscmap1(ri.data(), gi.data(), bi.data(), 256);
  plshades(columns.data(), f.columns, f.rows, nullptr, f.x_min, f.x_max, f.y_min, f.y_max, levels.data(),
           static_cast<PLINT>(levels.size()), 0, 0, 0, plfill, true, pltr1, &grid);
  canvas.set_colour({110, 110, 110}, 0.8);
  canvas.set_line_width(0.8);
  plcont(columns.data(), f.columns, f.rows, 1, f.columns, 1, f.rows, levels.data() + 1,
         static_cast<PLINT>(levels.size()) - 2, pltr1, &grid);
}

void draw_paths(detail::Canvas& canvas, const ContourChart& chart) {
  for (std::size_t i = 0; i < chart.paths.size(); ++i) {
    const Path& p = chart.paths[i];
    canvas.set_colour(palette_colour(i));
    canvas.set_line_width(2.5);
    canvas.polyline(p.x, p.y);
    for (std::size_t j = 0; j < p.x.size(); ++j) {  // the start: the first finite point
      if (std::isfinite(p.x[j]) && std::isfinite(p.y[j])) {
        canvas.disc(p.x[j], p.y[j], 4.5, palette_colour(i), true);
        break;
      }
    }
  }
  for (const auto& mark : chart.marks) {
    if (mark.shape == MarkedPoint::Shape::disc) {
      canvas.disc(mark.x, mark.y, 6, kStartColour, true);
    } else {
      canvas.star(mark.x, mark.y, 11, kMarkColour);
    }
  }
}

}  // namespace

ChartFiles plot_contours(const std::filesystem::path& path, const ContourChart& chart) {
  const std::string where = "plot_contours '" + path.string() + "'";
  check_contours(where, chart);
  std::vector<double> a = column_major(chart);
  const auto [lo, hi] = std::minmax_element(a.begin(), a.end());
  NNLAB_CHECK(*lo < *hi, ValueError, "{}: the function must not be constant, got {} everywhere", where,
              chart.function.values.front());
  std::vector<double> levels(chart.levels + 1);
  for (int i = 0; i <= chart.levels; ++i) levels[i] = *lo + (*hi - *lo) * i / chart.levels;
  std::vector<detail::LegendEntry> legend;
  std::vector<std::string> names{chart.x_label, chart.y_label, chart.value_label};
  for (std::size_t i = 0; i < chart.paths.size(); ++i) {
    legend.push_back({.name = chart.paths[i].name, .colour = palette_colour(i)});
    names.push_back(chart.paths[i].name);
  }
  for (const auto& mark : chart.marks) {
    const bool disc = mark.shape == MarkedPoint::Shape::disc;
    legend.push_back({.name = mark.label,
                      .colour = disc ? kStartColour : kMarkColour,
                      .mark = disc ? detail::LegendMark::disc : detail::LegendMark::star});
    names.push_back(mark.label);
  }
  const GridFunction& f = chart.function;
  auto draw = [&](detail::Canvas& canvas) {
    const double legend_w = legend.empty() ? 0 : canvas.legend_width(legend) + 16;
    canvas.set_plot_area({.right = 150 + legend_w}, {f.x_min, f.x_max, f.y_min, f.y_max});
    draw_bands(canvas, chart, a, levels);
    draw_paths(canvas, chart);
    canvas.draw_axes(false, false);
    canvas.draw_title(chart.title);
    canvas.draw_x_label(chart.x_label);
    canvas.draw_y_label(chart.y_label);
    canvas.draw_colour_bar(*lo, *hi, chart.value_label, chart.log_levels, 20, kFillLighten);
    canvas.draw_legend(legend, 150);
  };
  return detail::render_chart(path, chart.size, {chart.title, names}, draw);
}

}  // namespace nnlab::report
