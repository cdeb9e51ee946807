// Legends and colour bars, drawn beside the plot area in page pixels.
#include <plplot/plplot.h>

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "nnlab/report/canvas.h"

namespace nnlab::report::detail {
namespace {

constexpr double kPad = 10;          // inside the legend box
constexpr double kSampleWidth = 30;  // the line, box or disc before each name
constexpr double kSampleGap = 8;
constexpr double kRowHeight = 26;
constexpr double kColourBarWidth = 22;

}  // namespace

double Canvas::legend_width(const std::vector<LegendEntry>& entries) const {
  double widest = 0;
  for (const auto& entry : entries) widest = std::max(widest, text_width(entry.name));
  return kPad + kSampleWidth + kSampleGap + widest + kPad;
}

void Canvas::draw_legend(const std::vector<LegendEntry>& entries, double gap) {
  if (entries.empty()) return;
  const double box_w = legend_width(entries);
  const double box_h = 2 * kPad + kRowHeight * entries.size();
  const double x0 = size_.width - margins_.right + gap;
  const double top = size_.height - margins_.top;
  use_pixel_window();
  set_colour({255, 255, 255});
  fill_rect(x0, top - box_h, x0 + box_w, top);
  set_colour({160, 160, 160});
  set_line_width(1.0);
  const std::array<double, 5> frame_x{x0, x0 + box_w, x0 + box_w, x0, x0};
  const std::array<double, 5> frame_y{top, top, top - box_h, top - box_h, top};
  polyline(frame_x, frame_y);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    const double y = top - kPad - (i + 0.5) * kRowHeight;
    const double sx = x0 + kPad;
    if (entry.mark == LegendMark::line) {
      set_colour(entry.colour);
      set_line_width(2.5);
      const std::array<double, 2> lx{sx, sx + kSampleWidth};
      const std::array<double, 2> ly{y, y};
      polyline(lx, ly);
    } else if (entry.mark == LegendMark::box) {
      set_colour(entry.colour, entry.alpha);
      fill_rect(sx + 3, y - 7, sx + kSampleWidth - 3, y + 7);
      set_colour(entry.colour);
      set_line_width(1.5);
      const std::array<double, 5> bx{sx + 3, sx + kSampleWidth - 3, sx + kSampleWidth - 3, sx + 3, sx + 3};
      const std::array<double, 5> by{y - 7, y - 7, y + 7, y + 7, y - 7};
      polyline(bx, by);
    } else if (entry.mark == LegendMark::disc) {
      disc(sx + kSampleWidth / 2, y, 6, entry.colour, true);
    } else {
      star(sx + kSampleWidth / 2, y, 9, entry.colour);
    }
    set_colour({0, 0, 0});
    text(sx + kSampleWidth + kSampleGap, y, entry.name, 0.0);
  }
  leave_pixel_window();
}

void Canvas::draw_colour_bar(double low, double high, const std::string& label, bool log, double gap, double lighten) {
  const Margins plot = margins_;
  const Window window = window_;
  const double left = size_.width - plot.right + gap;
  set_plot_area({.left = left, .right = size_.width - left - kColourBarWidth, .top = plot.top, .bottom = plot.bottom},
                {.x_min = 0, .x_max = 1, .y_min = low, .y_max = high});
  constexpr int kSteps = 256;
  const double step = (high - low) / kSteps;
  for (int i = 0; i < kSteps; ++i) {
    set_colour(lighter(viridis((i + 0.5) / kSteps), lighten));
    // overlap the next step by half a step so anti-aliased edges leave no seams
    fill_rect(0, low + i * step, 1, low + std::min(i + 1.5, double(kSteps)) * step);
  }
  set_colour({0, 0, 0});
  set_line_width(1.0);
  plbox("bc", 0, 0, log ? "bcstl" : "bcmstv", 0, 0);
  if (log) draw_log_numbers('r', low, high);
  const double numbers =
      log ? text_width("0.0001")
          : std::max(text_width(fmt::format("{:.2f}", low)), text_width(fmt::format("{:.2f}", high)));
  draw_y_label(label, true, (numbers + 16) / char_pixels() + 1.0);
  set_plot_area(plot, window);
}

}  // namespace nnlab::report::detail
