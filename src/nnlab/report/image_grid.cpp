// A grid of images with captions, drawn as runs of equal pixels (crisp, no smoothing).
#include "nnlab/report/image_grid.h"

#include <algorithm>
#include <cmath>

#include "nnlab/core/check.h"
#include "nnlab/report/canvas.h"

namespace nnlab::report {
namespace {

constexpr double kGap = 16;      // between cells
constexpr double kCaption = 24;  // caption row under each image
constexpr double kTitle = 56;    // title band at the top
constexpr double kSide = 20;     // page margin left and right

void check_grid(const std::string& where, const ImageGrid& grid) {
  NNLAB_CHECK(!grid.images.empty(), ValueError, "{}: needs at least one image, got none", where);
  NNLAB_CHECK(grid.columns >= 1, ValueError, "{}: columns must be >= 1, got {}", where, grid.columns);
  NNLAB_CHECK(grid.cell_pixels >= 16 && grid.cell_pixels <= 512, ValueError,
              "{}: cell_pixels must be in 16..512, got {}", where, grid.cell_pixels);
  for (std::size_t i = 0; i < grid.images.size(); ++i) {
    const GridImage& im = grid.images[i];
    NNLAB_CHECK(im.height >= 1 && im.width >= 1 && (im.channels == 1 || im.channels == 3), ValueError,
                "{}: image {} needs height, width >= 1 and 1 or 3 channels, got "
                "({}, {}, {})",
                where, i, im.height, im.width, im.channels);
    NNLAB_CHECK(im.pixels.size() == static_cast<std::size_t>(im.height * im.width * im.channels), ValueError,
                "{}: image {} of ({}, {}, {}) needs {} pixel values, got {}", where, i, im.height, im.width,
                im.channels, im.height * im.width * im.channels, im.pixels.size());
  }
}

void draw_image(detail::Canvas& canvas, const GridImage& im, double cx, double top, double cell) {
  const double scale = cell / std::max(im.height, im.width);  // pixels per image pixel
  const double w = im.width * scale, h = im.height * scale;
  const double left = cx - w / 2;
  const double image_top = top - (cell - h) / 2;
  canvas.fill_cells(left, image_top, scale, scale, im.height, im.width, [&](std::int64_t r, std::int64_t c) {
    const std::uint8_t* p = im.pixels.data() + (r * im.width + c) * im.channels;
    return im.channels == 1 ? Rgb{p[0], p[0], p[0]} : Rgb{p[0], p[1], p[2]};
  });
  canvas.set_colour({150, 150, 150});
  canvas.set_line_width(1.0);
  const double x0 = left - 0.5, x1 = left + w + 0.5, y0 = image_top - h - 0.5, y1 = image_top + 0.5;
  const std::vector<double> fx{x0, x1, x1, x0, x0}, fy{y0, y0, y1, y1, y0};
  canvas.polyline(fx, fy);
}

}  // namespace

ChartFiles plot_image_grid(const std::filesystem::path& path, const ImageGrid& grid) {
  const std::string where = "plot_image_grid '" + path.string() + "'";
  check_grid(where, grid);
  const int n = static_cast<int>(grid.images.size());
  const int columns = std::min(grid.columns, n);
  const int rows = (n + columns - 1) / columns;
  // Cells grow until the page is 900 wide; captions get the cell's width.
  const double cell = std::max<double>(grid.cell_pixels, (900 - 2 * kSide) / columns - kGap);
  const ChartSize size{
      .width = static_cast<int>(std::ceil(2 * kSide + columns * (cell + kGap))),
      .height = std::max(300, static_cast<int>(std::ceil(kTitle + rows * (cell + kCaption + kGap) + kSide)))};
  std::vector<std::string> captions;
  for (const auto& im : grid.images) captions.push_back(im.caption);
  auto draw = [&](detail::Canvas& canvas) {
    canvas.set_plot_area({.left = 0, .right = 0, .top = 0, .bottom = 0},
                         {0, double(size.width), 0, double(size.height)});
    canvas.set_colour({0, 0, 0});
    canvas.text(size.width / 2.0, size.height - kTitle / 2, grid.title, 0.5, 1.3);
    for (int i = 0; i < n; ++i) {
      const double cx = kSide + (i % columns + 0.5) * (cell + kGap);
      const double top = size.height - kTitle - (i / columns) * (cell + kCaption + kGap);
      draw_image(canvas, grid.images[i], cx, top, cell);
      const std::string& caption = grid.images[i].caption;
      const double fit = std::min(1.0, (cell + kGap - 4) / std::max(1.0, canvas.text_width(caption)));
      canvas.set_colour({0, 0, 0});
      canvas.text(cx, top - cell - kCaption / 2, caption, 0.5, std::max(0.6, fit));
    }
  };
  return detail::render_chart(path, size, {grid.title, captions}, draw);
}

}  // namespace nnlab::report
