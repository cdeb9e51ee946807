#pragma once
// A grid of small images with a caption under each (misclassified digits "true 3 / pred 5",
// learned weight rows as 32x32 colour images).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::report {

// 8-bit pixels (height, width, channels) row-major, row 0 at the top; channels 1 (grey) or
// 3 (RGB, interleaved).
struct GridImage {
  std::int64_t height = 0;
  std::int64_t width = 0;
  std::int64_t channels = 1;
  std::vector<std::uint8_t> pixels = {};
  std::string caption = {};
};

struct ImageGrid {
  std::string title = {};
  std::vector<GridImage> images = {};
  int columns = 8;
  int cell_pixels = 96;  // the longer side of each drawn image; the page grows to fit
};

// Images left to right, top to bottom, each scaled to fit its cell with square pixels and
// no smoothing. The page is at least 900 pixels wide. Writes `<path without extension>.png`
// and `.svg`.
// Throws ValueError for no images, columns < 1, cell_pixels outside 16..512, an image with a
// side < 1, channels other than 1 or 3, or pixels.size() != height * width * channels;
// IoError when a file cannot be written.
ChartFiles plot_image_grid(const std::filesystem::path& path, const ImageGrid& grid);

}  // namespace nnlab::report
