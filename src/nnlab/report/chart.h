#pragma once
// Types shared by every chart function of report/: colours, the palette, line series, paths,
// marked points and the pair of files a chart writes.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::report {

struct Rgb {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

// The ten colours of matplotlib's "tab10" palette, in its order; index i % 10.
Rgb palette_colour(std::size_t index);

// Viridis (matplotlib's default colour map) at t in [0, 1]; t is clamped.
Rgb viridis(double t);

// Pixel size of the PNG; the SVG has the same size in points.
struct ChartSize {
  int width = 960;
  int height = 640;
};

// One named curve: y[i] over x[i]. A NaN in x or y leaves a gap in the line. `error`, when
// given (one per point, >= 0 or NaN for none), draws a vertical bar y[i] ± error[i] at each point.
struct Series {
  std::string name = {};
  std::vector<double> x = {};
  std::vector<double> y = {};
  std::vector<double> error = {};  // empty, or one half-width per point (plot_lines)
};

// A named polyline drawn over a chart (an optimiser's trajectory). NaN points are gaps.
struct Path {
  std::string name = {};
  std::vector<double> x = {};
  std::vector<double> y = {};
};

// A single point named in the legend, marked with a star (a function's minimum) or a white
// disc (where the paths start).
struct MarkedPoint {
  enum class Shape { star, disc };
  double x = 0.0;
  double y = 0.0;
  std::string label = {};
  Shape shape = Shape::star;
};

// The files a chart function wrote: `<path without extension>.png` and `.svg`.
struct ChartFiles {
  std::filesystem::path png = {};
  std::filesystem::path svg = {};
};

}  // namespace nnlab::report
