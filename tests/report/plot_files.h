#pragma once
// Reading back what a chart wrote: the PNG decoded to RGB, pixel statistics, the SVG's text.
// Charts go to a fresh folder, or to $NNLAB_PLOT_EXAMPLES when set, to look at them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "nnlab/data/image_decode.h"
#include "nnlab/report/chart.h"
#include "testing/temp_dir.h"

namespace nnlab::testing {

inline std::filesystem::path chart_folder(const TempDir& temp) {
  const char* examples = std::getenv("NNLAB_PLOT_EXAMPLES");
  return examples != nullptr ? std::filesystem::path(examples) : temp.path();
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline data::DecodedImage read_png(const std::filesystem::path& path) {
  const std::string bytes = read_bytes(path);
  return data::decode_image({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, path.string());
}

// Pixels that are not (almost) white.
inline std::int64_t inked_pixels(const data::DecodedImage& image) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < image.rgb.size(); i += 3) {
    n += image.rgb[i] < 240 || image.rgb[i + 1] < 240 || image.rgb[i + 2] < 240;
  }
  return n;
}

// Pixels within `tolerance` of `colour` in every channel.
inline std::int64_t pixels_near(const data::DecodedImage& image, report::Rgb colour, int tolerance = 12) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < image.rgb.size(); i += 3) {
    n += std::abs(image.rgb[i] - colour.r) <= tolerance && std::abs(image.rgb[i + 1] - colour.g) <= tolerance &&
         std::abs(image.rgb[i + 2] - colour.b) <= tolerance;
  }
  return n;
}

inline std::size_t distinct_colours(const data::DecodedImage& image) {
  std::set<std::uint32_t> colours;
  for (std::size_t i = 0; i < image.rgb.size(); i += 3) {
    colours.insert(image.rgb[i] << 16 | image.rgb[i + 1] << 8 | image.rgb[i + 2]);
  }
  return colours.size();
}

// Both files exist; the PNG has the given size (when > 0), ink and colours; the SVG is a
// complete document whose text names the title and every name in `names`.
inline void expect_chart_files(const report::ChartFiles& files, int width, int height, const std::string& title,
                               const std::vector<std::string>& names) {
  ASSERT_TRUE(std::filesystem::exists(files.png)) << files.png;
  ASSERT_TRUE(std::filesystem::exists(files.svg)) << files.svg;
  const auto image = read_png(files.png);
  if (width > 0) {
    EXPECT_EQ(image.width, width);
    EXPECT_EQ(image.height, height);
  }
  EXPECT_GT(inked_pixels(image), image.width * image.height / 100) << "nearly blank: " << files.png;
  EXPECT_GE(distinct_colours(image), 8u) << files.png;
  const std::string svg = read_bytes(files.svg);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos) << "SVG not complete";
  EXPECT_NE(svg.find("<title>" + title + "</title>"), std::string::npos) << "SVG lacks the title";
  for (const auto& name : names) EXPECT_NE(svg.find(name), std::string::npos) << name;
  for (const auto& entry : std::filesystem::directory_iterator(files.png.parent_path())) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << "left behind: " << entry.path();
  }
}

}  // namespace nnlab::testing
