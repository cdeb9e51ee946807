#pragma once
// The drawing surface under every chart: one PLplot stream per output file, a layout in
// pixels, axes, legends and colour bars drawn the same way in every chart. Internal to report/.
// PLplot keeps global state and is not thread-safe: render_chart serialises all drawing.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::report::detail {

// The plot area's distance from each page edge, in pixels.
struct Margins {
  double left = 100;
  double right = 40;
  double top = 60;
  double bottom = 80;
};

enum class LegendMark { line, box, disc, star };

struct LegendEntry {
  std::string name;
  Rgb colour;
  LegendMark mark = LegendMark::line;
  double alpha = 1.0;  // of a box's fill
};

// A rectangle of world coordinates; for a log axis the bounds are log10 of the data.
struct Window {
  double x_min = 0;
  double x_max = 1;
  double y_min = 0;
  double y_max = 1;
};

class Canvas {
 public:
  explicit Canvas(ChartSize size);  // after plinit: fonts, colours, line width

  int width() const { return size_.width; }
  int height() const { return size_.height; }

  // Height in pixels of PLplot's base character (the unit of plmtex offsets).
  double char_pixels() const { return base_char_mm_ / mm_per_pixel_; }
  // Width in pixels of `text` at the given size relative to the base font.
  double text_width(const std::string& text, double scale = 1.0) const;

  // Sets the plot area by its margins and its world window; later drawing is clipped to it.
  void set_plot_area(const Margins& margins, const Window& window);
  const Margins& margins() const { return margins_; }
  const Window& window() const { return window_; }
  std::pair<double, double> world_per_pixel() const;  // (x, y) world units per pixel

  // Light grid lines, then the black frame with ticks and numbers. A log axis labels 10^k.
  // right_ticks = false leaves the right edge to draw_right_axis.
  void draw_axes(bool log_x, bool log_y, bool right_ticks = true);
  // The same for a second y axis on the right (numbers on the right, no grid).
  void draw_right_axis(bool log_y);
  // Numbers along a log axis whose window runs low..high (log10): side 'b', 'l' or 'r'.
  void draw_log_numbers(char side, double low, double high);
  void draw_title(const std::string& title);
  void draw_x_label(const std::string& label);
  void draw_y_label(const std::string& label, bool right_side = false, double offset = 5.2, Rgb colour = {0, 0, 0});

  void set_colour(Rgb colour, double alpha = 1.0);
  void set_line_width(double width);
  // Joins the points in order; a non-finite coordinate breaks the line. World coordinates.
  void polyline(std::span<const double> x, std::span<const double> y);
  void fill_polygon(std::span<const double> x, std::span<const double> y);
  void fill_rect(double x0, double y0, double x1, double y1);
  // A rows x columns block of equal cells with its top-left corner at world (left, top), each
  // cell `cell_w` x `cell_h` world units and coloured by colour_of(row, column); row 0 at the
  // top. Runs of equal colour in a row become one rectangle.
  void fill_cells(double left, double top, double cell_w, double cell_h, std::int64_t rows, std::int64_t columns,
                  const std::function<Rgb(std::int64_t, std::int64_t)>& colour_of);
  // A filled disc of `radius` pixels at world (x, y) with an optional dark outline.
  void disc(double x, double y, double radius, Rgb fill, bool outline);
  void star(double x, double y, double radius, Rgb fill);
  // Text at world (x, y); just 0 left, 0.5 centred, 1 right; vertically centred.
  void text(double x, double y, const std::string& text, double just = 0.5, double scale = 1.0);

  // Pixel width a legend of these entries needs to the right of the plot area.
  double legend_width(const std::vector<LegendEntry>& entries) const;
  // The legend in a box to the right of the plot area, starting at the top.
  void draw_legend(const std::vector<LegendEntry>& entries, double gap = 16);
  // A vertical colour bar right of the plot area, `gap` pixels away, viridis from low to
  // high, its numbers on the right and `label` beside them. `log` labels 10^k for log10 bounds.
  // `lighten` blends the colours toward white (0 none, 1 white), as the chart's fill does.
  void draw_colour_bar(double low, double high, const std::string& label, bool log, double gap, double lighten = 0.0);

 private:
  // World coordinates = page pixels (origin bottom left) until leave_pixel_window().
  void use_pixel_window();
  void leave_pixel_window();
  void restore_plot_area();

  ChartSize size_;
  Margins margins_;
  Window window_;
  Margins saved_margins_;
  Window saved_window_;
  double mm_per_pixel_ = 1.0;
  double base_char_mm_ = 1.0;
};

// Text for the SVG's <title> and <desc>: cairo writes glyphs as outlines, so without these
// the SVG holds no searchable text.
struct ChartText {
  std::string title;
  std::vector<std::string> names;  // legend entries, axis labels
};

// Draws `draw` twice, into `<path without extension>.png` and `.svg`, each first under a
// temporary name that is renamed when complete. Creates the parent folder.
// Throws IoError when a folder or file cannot be written, or a file comes out empty.
ChartFiles render_chart(const std::filesystem::path& path, ChartSize size, const ChartText& text,
                        const std::function<void(Canvas&)>& draw);

// `colour` blended toward white by `amount` in [0, 1].
Rgb lighter(Rgb colour, double amount);

// PLplot reads '#' as an escape character; this doubles it so user text prints as given.
std::string escape_text(const std::string& text);

// Axis bounds [low, high] with a 4 % margin; equal bounds widen by 1 (or 10 % of |value|).
std::pair<double, double> padded_range(double low, double high, double margin = 0.04);
// log10 bounds for a log axis that contain at least one power of ten, so it is labelled.
std::pair<double, double> log_range(double low_log10, double high_log10);

}  // namespace nnlab::report::detail
