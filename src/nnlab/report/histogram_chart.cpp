// Overlaid histograms: filled semi-transparent bars with outlines, or outlines only.
#include "nnlab/report/histogram_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nnlab/core/check.h"
#include "nnlab/report/canvas.h"
#include "nnlab/report/chart_checks.h"

namespace nnlab::report {
namespace {

struct Buckets {
  std::vector<double> edges;
  std::vector<double> counts;
};

void check_series(const std::string& where, const HistogramSeries& s) {
  const std::string what = "series '" + s.name + "'";
  const bool raw = !s.values.empty();
  const bool ready = !s.edges.empty() || !s.counts.empty();
  NNLAB_CHECK(raw != ready, ValueError,
              "{}: {} needs either values or edges and counts, got {} values, {} edges, {} counts", where, what,
              s.values.size(), s.edges.size(), s.counts.size());
  if (raw) {
    detail::check_finite(where, what + " values", s.values);
    return;
  }
  detail::check_not_empty(where, what + " counts", s.counts.size());
  detail::check_same_size(where, what + " edges", s.edges.size(), "counts + 1", s.counts.size() + 1);
  detail::check_finite(where, what + " edges", s.edges);
  for (std::size_t i = 1; i < s.edges.size(); ++i) {
    NNLAB_CHECK(s.edges[i - 1] < s.edges[i], ValueError, "{}: {} edges must increase, got {} then {} at index {}",
                where, what, s.edges[i - 1], s.edges[i], i);
  }
  detail::check_finite(where, what + " counts", s.counts);
  for (std::size_t i = 0; i < s.counts.size(); ++i) {
    NNLAB_CHECK(s.counts[i] >= 0, ValueError, "{}: {} counts must be >= 0, got {} at index {}", where, what,
                s.counts[i], i);
  }
}

std::pair<double, double> raw_range(const std::string& where, const HistogramChart& chart) {
  if (chart.range) {
    NNLAB_CHECK(chart.range->first < chart.range->second, ValueError, "{}: range must be increasing, got [{}, {}]",
                where, chart.range->first, chart.range->second);
    return *chart.range;
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : chart.series) {
    for (double v : s.values) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  return lo < hi ? std::pair{lo, hi} : detail::padded_range(lo, hi, 0.0);
}

Buckets bucket(const HistogramSeries& s, const HistogramChart& chart, std::pair<double, double> range) {
  if (s.values.empty()) return {s.edges, s.counts};
  const auto [lo, hi] = range;
  Buckets b{std::vector<double>(chart.buckets + 1), std::vector<double>(chart.buckets, 0.0)};
  for (int i = 0; i <= chart.buckets; ++i) b.edges[i] = lo + (hi - lo) * i / chart.buckets;
  for (double v : s.values) {
    if (v < lo || v > hi) continue;
    const int i = std::min(chart.buckets - 1, static_cast<int>((v - lo) / (hi - lo) * chart.buckets));
    b.counts[i] += 1;
  }
  return b;
}

// The outline of the bars: up and down each bucket edge, from the first edge to the last.
void outline(detail::Canvas& canvas, const Buckets& b) {
  std::vector<double> x{b.edges.front()}, y{0.0};
  for (std::size_t i = 0; i < b.counts.size(); ++i) {
    x.insert(x.end(), {b.edges[i], b.edges[i + 1]});
    y.insert(y.end(), {b.counts[i], b.counts[i]});
  }
  x.push_back(b.edges.back());
  y.push_back(0.0);
  canvas.polyline(x, y);
}

}  // namespace

ChartFiles plot_histograms(const std::filesystem::path& path, const HistogramChart& chart) {
  const std::string where = "plot_histograms '" + path.string() + "'";
  NNLAB_CHECK(!chart.series.empty(), ValueError, "{}: needs at least one series, got none", where);
  NNLAB_CHECK(chart.buckets >= 1, ValueError, "{}: buckets must be >= 1, got {}", where, chart.buckets);
  for (const auto& s : chart.series) check_series(where, s);
  const auto range = raw_range(where, chart);
  std::vector<Buckets> all;
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, top = 0;
  for (const auto& s : chart.series) {
    Buckets b = bucket(s, chart, range);
    double total = 0;
    for (double c : b.counts) total += c;
    if (chart.fraction && total > 0) {
      for (double& c : b.counts) c /= total;
    }
    x0 = std::min(x0, b.edges.front());
    x1 = std::max(x1, b.edges.back());
    for (double c : b.counts) top = std::max(top, c);
    all.push_back(std::move(b));
  }
  NNLAB_CHECK(top > 0, ValueError, "{}: needs at least one non-zero count, got all zero", where);
  std::vector<detail::LegendEntry> legend;
  std::vector<std::string> names{chart.x_label, chart.y_label};
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    names.push_back(chart.series[i].name);
    if (chart.series.size() > 1) {
      legend.push_back({.name = chart.series[i].name,
                        .colour = palette_colour(i),
                        .mark = detail::LegendMark::box,
                        .alpha = chart.style == HistogramStyle::filled ? 0.35 : 0.0});
    }
  }
  auto draw = [&](detail::Canvas& canvas) {
    detail::Margins margins;
    if (!legend.empty()) margins.right = canvas.legend_width(legend) + 32;
    const auto [xa, xb] = detail::padded_range(x0, x1, 0.02);
    canvas.set_plot_area(margins, {xa, xb, 0.0, top * 1.06});
    canvas.draw_axes(false, false);
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (chart.style == HistogramStyle::filled) {
        canvas.set_colour(palette_colour(i), 0.35);
        for (std::size_t k = 0; k < all[i].counts.size(); ++k) {
          if (all[i].counts[k] > 0) canvas.fill_rect(all[i].edges[k], 0, all[i].edges[k + 1], all[i].counts[k]);
        }
      }
      canvas.set_colour(palette_colour(i));
      canvas.set_line_width(2.0);
      outline(canvas, all[i]);
    }
    canvas.draw_axes(false, false);  // the frame again, over the bars at the edges
    canvas.draw_title(chart.title);
    canvas.draw_x_label(chart.x_label);
    canvas.draw_y_label(chart.y_label);
    canvas.draw_legend(legend);
  };
  return detail::render_chart(path, chart.size, {chart.title, names}, draw);
}

}  // namespace nnlab::report
