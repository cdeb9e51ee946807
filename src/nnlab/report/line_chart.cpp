// Line charts: several series on one pair of axes, or on two y axes.
#include "nnlab/report/line_chart.h"

#include <plplot/plplot.h>

#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/report/canvas.h"
#include "nnlab/report/chart_checks.h"

namespace nnlab::report {
namespace {

using detail::Canvas;

struct Bounds {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  bool empty() const { return !(low <= high); }
};

// log10 where the axis is logarithmic; non-finite values stay gaps.
std::vector<double> to_axis(const std::vector<double>& values, bool log) {
  std::vector<double> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    out[i] = !std::isfinite(v) ? std::numeric_limits<double>::quiet_NaN() : log ? std::log10(v) : v;
  }
  return out;
}

void check_series(std::string_view where, const std::vector<Series>& series, bool log_x, bool log_y) {
  NNLAB_CHECK(!series.empty(), ValueError, "{}: needs at least one series, got none", where);
  for (const auto& s : series) {
    const std::string what = "series '" + s.name + "'";
    detail::check_same_size(where, what + " x", s.x.size(), what + " y", s.y.size());
    detail::check_not_empty(where, what, s.x.size());
    if (log_x) detail::check_positive_for_log(where, what + " x", s.x);
    if (log_y) detail::check_positive_for_log(where, what + " y", s.y);
    NNLAB_CHECK(s.error.empty() || s.error.size() == s.y.size(), ValueError,
                "{}: {} has {} error bars for {} points (expected none or one per point)", where, what, s.error.size(),
                s.y.size());
    for (double e : s.error) {
      NNLAB_CHECK(!(e < 0), ValueError, "{}: {} has an error bar of {} (expected >= 0)", where, what, e);
    }
  }
}

// The ends of point i's error bar in data units, or nullopt when it has none. On a log axis
// the lower end is kept above 0.
std::optional<std::pair<double, double>> error_bar(const Series& s, std::size_t i, bool log_y) {
  if (s.error.empty() || !std::isfinite(s.error[i]) || s.error[i] <= 0 || !std::isfinite(s.y[i])) return std::nullopt;
  const double low = s.y[i] - s.error[i];
  return std::pair(log_y && low <= 0 ? s.y[i] / 10 : low, s.y[i] + s.error[i]);
}

// The bounds of the points whose x and y are both finite, in axis units.
void extend(Bounds& xb, Bounds& yb, const Series& s, bool log_x, bool log_y) {
  const auto x = to_axis(s.x, log_x);
  const auto y = to_axis(s.y, log_y);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) continue;
    xb = {std::min(xb.low, x[i]), std::max(xb.high, x[i])};
    yb = {std::min(yb.low, y[i]), std::max(yb.high, y[i])};
    if (const auto bar = error_bar(s, i, log_y)) {
      const double low = log_y ? std::log10(bar->first) : bar->first;
      const double high = log_y ? std::log10(bar->second) : bar->second;
      yb = {std::min(yb.low, low), std::max(yb.high, high)};
    }
  }
}

std::pair<double, double> axis_range(const Bounds& b, bool log, double margin) {
  return log ? detail::log_range(b.low, b.high) : detail::padded_range(b.low, b.high, margin);
}

// The line, then a dot at every point (markers) or at points with no neighbour to join.
void draw_series(Canvas& canvas, const Series& s, bool log_x, bool log_y, Rgb colour, bool markers) {
  const auto x = to_axis(s.x, log_x);
  const auto y = to_axis(s.y, log_y);
  canvas.set_colour(colour);
  canvas.set_line_width(2.0);
  canvas.polyline(x, y);
  auto ok = [&](std::size_t i) { return !std::isnan(x[i]) && !std::isnan(y[i]); };
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!ok(i)) continue;
    const bool alone = (i == 0 || !ok(i - 1)) && (i + 1 == x.size() || !ok(i + 1));
    if (markers || alone) canvas.disc(x[i], y[i], 3.5, colour, false);
    if (const auto bar = error_bar(s, i, log_y)) {
      const double low = log_y ? std::log10(bar->first) : bar->first;
      const double high = log_y ? std::log10(bar->second) : bar->second;
      const double cap = 4 * canvas.world_per_pixel().first;  // half-width of the bar's caps
      canvas.polyline(std::vector<double>{x[i], x[i]}, std::vector<double>{low, high});
      canvas.polyline(std::vector<double>{x[i] - cap, x[i] + cap}, std::vector<double>{low, low});
      canvas.polyline(std::vector<double>{x[i] - cap, x[i] + cap}, std::vector<double>{high, high});
    }
  }
}

std::vector<std::string> text_of(const std::string& x_label, const std::string& y_label,
                                 const std::vector<Series>& series) {
  std::vector<std::string> names{x_label, y_label};
  for (const auto& s : series) names.push_back(s.name);
  return names;
}

}  // namespace

ChartFiles plot_lines(const std::filesystem::path& path, const LineChart& chart) {
  const std::string where = "plot_lines '" + path.string() + "'";
  check_series(where, chart.series, chart.log_x, chart.log_y);
  Bounds xb, yb;
  for (const auto& s : chart.series) extend(xb, yb, s, chart.log_x, chart.log_y);
  NNLAB_CHECK(!xb.empty(), ValueError, "{}: needs at least one point with finite x and y, got none", where);
  const auto [x0, x1] = axis_range(xb, chart.log_x, 0.02);
  const auto [y0, y1] = axis_range(yb, chart.log_y, 0.05);
  std::vector<detail::LegendEntry> legend;
  if (chart.series.size() > 1) {
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
      legend.push_back({.name = chart.series[i].name, .colour = palette_colour(i)});
    }
  }
  auto draw = [&](Canvas& canvas) {
    detail::Margins margins;
    if (!legend.empty()) margins.right = canvas.legend_width(legend) + 32;
    canvas.set_plot_area(margins, {x0, x1, y0, y1});
    canvas.draw_axes(chart.log_x, chart.log_y);
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
      draw_series(canvas, chart.series[i], chart.log_x, chart.log_y, palette_colour(i), chart.markers);
    }
    canvas.draw_title(chart.title);
    canvas.draw_x_label(chart.x_label);
    canvas.draw_y_label(chart.y_label);
    canvas.draw_legend(legend);
  };
  return detail::render_chart(path, chart.size, {chart.title, text_of(chart.x_label, chart.y_label, chart.series)},
                              draw);
}

ChartFiles plot_two_axes(const std::filesystem::path& path, const TwoAxisChart& chart) {
  const std::string where = "plot_two_axes '" + path.string() + "'";
  NNLAB_CHECK(!chart.left.empty() && !chart.right.empty(), ValueError,
              "{}: needs series on both axes, got {} left and {} right", where, chart.left.size(), chart.right.size());
  check_series(where, chart.left, chart.log_x, chart.log_left);
  check_series(where, chart.right, chart.log_x, chart.log_right);
  Bounds xb, left_b, right_b;
  for (const auto& s : chart.left) extend(xb, left_b, s, chart.log_x, chart.log_left);
  for (const auto& s : chart.right) extend(xb, right_b, s, chart.log_x, chart.log_right);
  NNLAB_CHECK(!left_b.empty() && !right_b.empty(), ValueError,
              "{}: each axis needs a point with finite x and y, got none on the {} axis", where,
              left_b.empty() ? "left" : "right");
  const auto [x0, x1] = axis_range(xb, chart.log_x, 0.02);
  const auto [l0, l1] = axis_range(left_b, chart.log_left, 0.05);
  const auto [r0, r1] = axis_range(right_b, chart.log_right, 0.05);
  const std::size_t n_left = chart.left.size();
  std::vector<detail::LegendEntry> legend;
  for (std::size_t i = 0; i < n_left; ++i) {
    legend.push_back({.name = chart.left[i].name + " (left)", .colour = palette_colour(i)});
  }
  for (std::size_t i = 0; i < chart.right.size(); ++i) {
    legend.push_back({.name = chart.right[i].name + " (right)", .colour = palette_colour(n_left + i)});
  }
  auto draw = [&](Canvas& canvas) {
    detail::Margins margins{.right = canvas.legend_width(legend) + 110};
    canvas.set_plot_area(margins, {x0, x1, l0, l1});
    canvas.draw_axes(chart.log_x, chart.log_left, false);
    for (std::size_t i = 0; i < n_left; ++i) {
      draw_series(canvas, chart.left[i], chart.log_x, chart.log_left, palette_colour(i), false);
    }
    canvas.draw_y_label(chart.left_label, false, 5.2, n_left == 1 ? palette_colour(0) : Rgb{0, 0, 0});
    canvas.set_plot_area(margins, {x0, x1, r0, r1});
    canvas.draw_right_axis(chart.log_right);
    pllsty(2);  // dashed: the right axis' series differ by more than colour
    for (std::size_t i = 0; i < chart.right.size(); ++i) {
      draw_series(canvas, chart.right[i], chart.log_x, chart.log_right, palette_colour(n_left + i), false);
    }
    pllsty(1);
    canvas.draw_y_label(chart.right_label, true, 5.6, chart.right.size() == 1 ? palette_colour(n_left) : Rgb{0, 0, 0});
    canvas.draw_title(chart.title);
    canvas.draw_x_label(chart.x_label);
    canvas.draw_legend(legend, 100);
  };
  auto names = text_of(chart.x_label, chart.left_label, chart.left);
  for (const auto& s : chart.right) names.push_back(s.name);
  names.push_back(chart.right_label);
  return detail::render_chart(path, chart.size, {chart.title, names}, draw);
}

}  // namespace nnlab::report
