// The drawing surface: layout in pixels, axes, legends and colour bars over PLplot's C API.
#include "nnlab/report/canvas.h"

#include <plplot/plplot.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace nnlab::report::detail {
namespace {

constexpr PLINT kWorkColour = 15;       // cmap0 slot rewritten by every set_colour
constexpr double kBaseFontPixels = 15;  // tick numbers and legend text
constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kGridGrey{222, 222, 222};
constexpr Rgb kOutline{40, 40, 40};

std::string axis_options(const char* base, bool log) { return std::string(base) + (log ? "l" : ""); }

}  // namespace

std::string escape_text(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    escaped += c;
    if (c == '#') escaped += '#';
  }
  return escaped;
}

Rgb lighter(Rgb colour, double amount) {
  auto mix = [amount](std::uint8_t c) { return static_cast<std::uint8_t>(std::lround(c + amount * (255 - c))); };
  return {mix(colour.r), mix(colour.g), mix(colour.b)};
}

std::pair<double, double> padded_range(double low, double high, double margin) {
  if (low == high) {
    const double half = low == 0.0 ? 1.0 : 0.1 * std::abs(low);
    return {low - half, high + half};
  }
  const double pad = margin * (high - low);
  return {low - pad, high + pad};
}

std::pair<double, double> log_range(double low_log10, double high_log10) {
  auto [low, high] = padded_range(low_log10, high_log10, 0.03);
  if (std::floor(high) < low) {  // no power of ten inside: widen to the nearer one
    const double below = std::floor(low);
    const double above = std::ceil(high);
    (low - below <= above - high) ? low = below : high = above;
  }
  return {low, high};
}

Canvas::Canvas(ChartSize size) : size_(size) {
  PLFLT x_min = 0, x_max = 0, y_min = 0, y_max = 0;
  plgspa(&x_min, &x_max, &y_min, &y_max);
  mm_per_pixel_ = (x_max - x_min) / size.width;
  // PLplot's character height is 0.75 of the font size in pixels (measured on cairo output).
  base_char_mm_ = 0.75 * kBaseFontPixels * mm_per_pixel_;
  plschr(base_char_mm_, 1.0);
  plsfont(PL_FCI_SANS, PL_FCI_UPRIGHT, PL_FCI_MEDIUM);
  plscol0(1, 0, 0, 0);
  set_colour(kBlack);
  set_line_width(1.0);
}

double Canvas::text_width(const std::string& text, double scale) const {
  // Advance widths of DejaVu Sans (fontconfig's usual "sans"), in 1/1000 em, for ' ' .. '~'.
  // PLplot does not export its string-length function, so text is measured from this table.
  static constexpr std::array<short, 95> kAdvance{
      318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361,  318, 337, 636, 636, 636,
      636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
      575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635,  611, 732, 684, 989, 685,
      611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352,  635, 634, 278, 278, 579,
      278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,  525, 636, 337, 636, 838};
  double thousandths = 0;
  for (unsigned char c : text) {
    if (c >= 32 && c < 127) {
      thousandths += kAdvance[c - 32];
    } else if (c >= 0xC0) {  // the first byte of a UTF-8 character outside ASCII
      thousandths += 800;
    }
  }
  return thousandths / 1000.0 * kBaseFontPixels * scale;
}

void Canvas::set_plot_area(const Margins& margins, const Window& window) {
  margins_ = margins;
  window_ = window;
  restore_plot_area();
}

void Canvas::restore_plot_area() {
  plvpor(margins_.left / size_.width, 1.0 - margins_.right / size_.width, margins_.bottom / size_.height,
         1.0 - margins_.top / size_.height);
  plwind(window_.x_min, window_.x_max, window_.y_min, window_.y_max);
}

std::pair<double, double> Canvas::world_per_pixel() const {
  const double plot_w = size_.width - margins_.left - margins_.right;
  const double plot_h = size_.height - margins_.top - margins_.bottom;
  return {(window_.x_max - window_.x_min) / plot_w, (window_.y_max - window_.y_min) / plot_h};
}

void Canvas::use_pixel_window() {
  saved_margins_ = margins_;
  saved_window_ = window_;
  set_plot_area({.left = 0, .right = 0, .top = 0, .bottom = 0},
                {.x_min = 0, .x_max = double(size_.width), .y_min = 0, .y_max = double(size_.height)});
}

void Canvas::leave_pixel_window() { set_plot_area(saved_margins_, saved_window_); }

void Canvas::draw_axes(bool log_x, bool log_y, bool right_ticks) {
  set_colour(kGridGrey);
  set_line_width(0.8);
  plbox(axis_options("g", log_x).c_str(), 0, 0, axis_options("g", log_y).c_str(), 0, 0);
  set_colour(kBlack);
  set_line_width(1.0);
  // log axes get their numbers from draw_log_numbers, so PLplot's "n" is left out for them
  const std::string x = log_x ? "bcstl" : "bcnst";
  const std::string y = std::string(right_ticks ? "bcst" : "bst") + (log_y ? "l" : "nv");
  plbox(x.c_str(), 0, 0, y.c_str(), 0, 0);
  if (log_x) draw_log_numbers('b', window_.x_min, window_.x_max);
  if (log_y) draw_log_numbers('l', window_.y_min, window_.y_max);
}

void Canvas::draw_right_axis(bool log_y) {
  set_colour(kBlack);
  set_line_width(1.0);
  plbox("", 0, 0, log_y ? "cstl" : "cmstv", 0, 0);
  if (log_y) draw_log_numbers('r', window_.y_min, window_.y_max);
}

void Canvas::draw_log_numbers(char side, double low, double high) {
  // Few decades: numbers at 1, 2 and 5 times each power of ten, as plain decimals; many
  // decades: powers of ten only, as 10^k beyond the range plain decimals read well.
  const bool dense = high - low < 2.5;
  for (int k = static_cast<int>(std::floor(low)); k <= static_cast<int>(std::ceil(high)); ++k) {
    for (int m : {1, 2, 5}) {
      if (m != 1 && !dense) continue;
      const double position = k + std::log10(m);
      if (position < low - 1e-9 || position > high + 1e-9) continue;
      const double fraction = (position - low) / (high - low);
      const std::string text =
          (k >= -4 && k <= 5) ? fmt::format("{:g}", m * std::pow(10.0, k)) : fmt::format("10#u{}#d", k);
      if (side == 'b') plmtex("b", 1.6, fraction, 0.5, text.c_str());
      if (side == 'l') plmtex("lv", 0.7, fraction, 1.0, text.c_str());
      if (side == 'r') plmtex("rv", 0.7, fraction, 0.0, text.c_str());
    }
  }
}

void Canvas::draw_title(const std::string& title) {
  set_colour(kBlack);
  plschr(0.0, 1.3);
  plmtex("t", 1.5, 0.5, 0.5, escape_text(title).c_str());
  plschr(0.0, 1.0);
}

void Canvas::draw_x_label(const std::string& label) {
  set_colour(kBlack);
  plschr(0.0, 1.1);
  plmtex("b", 3.0, 0.5, 0.5, escape_text(label).c_str());
  plschr(0.0, 1.0);
}

void Canvas::draw_y_label(const std::string& label, bool right_side, double offset, Rgb colour) {
  set_colour(colour);
  plschr(0.0, 1.1);
  plmtex(right_side ? "r" : "l", offset, 0.5, 0.5, escape_text(label).c_str());
  plschr(0.0, 1.0);
}

void Canvas::set_colour(Rgb colour, double alpha) {
  plscol0a(kWorkColour, colour.r, colour.g, colour.b, alpha);
  plcol0(kWorkColour);
}

void Canvas::set_line_width(double width) { plwidth(width); }

void Canvas::polyline(std::span<const double> x, std::span<const double> y) {
  const std::size_t n = std::min(x.size(), y.size());
  std::size_t begin = 0;
  while (begin < n) {
    while (begin < n && !(std::isfinite(x[begin]) && std::isfinite(y[begin]))) ++begin;
    std::size_t end = begin;
    while (end < n && std::isfinite(x[end]) && std::isfinite(y[end])) ++end;
    if (end - begin >= 2) {
      plline(static_cast<PLINT>(end - begin), x.data() + begin, y.data() + begin);
    }
    begin = end;
  }
}

void Canvas::fill_polygon(std::span<const double> x, std::span<const double> y) {
  plfill(static_cast<PLINT>(std::min(x.size(), y.size())), x.data(), y.data());
}

void Canvas::fill_rect(double x0, double y0, double x1, double y1) {
  const PLFLT xs[4] = {x0, x1, x1, x0};
  const PLFLT ys[4] = {y0, y0, y1, y1};
  plfill(4, xs, ys);
}

void Canvas::fill_cells(double left, double top, double cell_w, double cell_h, std::int64_t rows, std::int64_t columns,
                        const std::function<Rgb(std::int64_t, std::int64_t)>& colour_of) {
  // Cell edges are rounded to whole pixels of the PNG, so anti-aliasing leaves no seams
  // between cells; each rectangle also reaches into its right and lower neighbours, drawn later.
  const auto [per_x, per_y] = world_per_pixel();
  auto snap_x = [&](double x) { return window_.x_min + std::round((x - window_.x_min) / per_x) * per_x; };
  auto snap_y = [&](double y) { return window_.y_min + (std::round((y - window_.y_min) / per_y - 0.5) + 0.5) * per_y; };
  for (std::int64_t r = 0; r < rows; ++r) {
    const double y_top = snap_y(top - r * cell_h);
    const double y_low = snap_y(top - (r + (r + 1 < rows ? 1.3 : 1.0)) * cell_h);
    std::int64_t begin = 0;
    while (begin < columns) {
      const Rgb colour = colour_of(r, begin);
      std::int64_t end = begin + 1;
      while (end < columns && colour_of(r, end) == colour) ++end;
      set_colour(colour);
      fill_rect(snap_x(left + begin * cell_w), y_low, snap_x(left + (end + (end < columns ? 0.3 : 0.0)) * cell_w),
                y_top);
      begin = end;
    }
  }
}

void Canvas::disc(double x, double y, double radius, Rgb fill, bool outline) {
  const auto [per_x, per_y] = world_per_pixel();
  const double rx = radius * per_x;
  const double ry = radius * per_y;
  constexpr int kSides = 20;
  PLFLT xs[kSides + 1];
  PLFLT ys[kSides + 1];
  for (int i = 0; i <= kSides; ++i) {
    const double angle = 2.0 * std::numbers::pi * i / kSides;
    xs[i] = x + rx * std::cos(angle);
    ys[i] = y + ry * std::sin(angle);
  }
  set_colour(fill);
  plfill(kSides, xs, ys);
  if (outline) {
    set_colour(kOutline);
    set_line_width(1.0);
    plline(kSides + 1, xs, ys);
  }
}

void Canvas::star(double x, double y, double radius, Rgb fill) {
  const auto [per_x, per_y] = world_per_pixel();
  const double rx = radius * per_x;
  const double ry = radius * per_y;
  PLFLT xs[11];
  PLFLT ys[11];
  for (int i = 0; i <= 10; ++i) {  // five points: outer radius 1, inner radius 0.45
    const double r = i % 2 == 0 ? 1.0 : 0.45;
    const double angle = std::numbers::pi / 2 + std::numbers::pi * i / 5;
    xs[i] = x + r * rx * std::cos(angle);
    ys[i] = y + r * ry * std::sin(angle);
  }
  set_colour(fill);
  plfill(10, xs, ys);
  set_colour(kOutline);
  set_line_width(1.0);
  plline(11, xs, ys);
}

void Canvas::text(double x, double y, const std::string& text, double just, double scale) {
  plschr(0.0, scale);
  plptex(x, y, 1.0, 0.0, just, escape_text(text).c_str());
  plschr(0.0, 1.0);
}

}  // namespace nnlab::report::detail
