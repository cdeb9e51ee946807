// One PLplot stream per output file, written under a temporary name and renamed when complete;
// the palette and the viridis colour map.
#include <plplot/plplot.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/report/canvas.h"
#include "nnlab/report/html_escape.h"

namespace nnlab::report {

Rgb palette_colour(std::size_t index) {
  static constexpr std::array<Rgb, 10> kTab10{{{31, 119, 180},
                                               {255, 127, 14},
                                               {44, 160, 44},
                                               {214, 39, 40},
                                               {148, 103, 189},
                                               {140, 86, 75},
                                               {227, 119, 194},
                                               {127, 127, 127},
                                               {188, 189, 34},
                                               {23, 190, 207}}};
  return kTab10[index % kTab10.size()];
}

Rgb viridis(double t) {
  // matplotlib's viridis sampled at 9 evenly spaced points; linear in between.
  static constexpr std::array<Rgb, 9> kStops{{{68, 1, 84},
                                              {71, 45, 123},
                                              {59, 82, 139},
                                              {44, 114, 142},
                                              {33, 145, 140},
                                              {40, 174, 128},
                                              {94, 201, 98},
                                              {173, 220, 48},
                                              {253, 231, 37}}};
  if (!(t > 0.0)) t = 0.0;  // NaN maps to the low end
  if (t > 1.0) t = 1.0;
  const double position = t * (kStops.size() - 1);
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(position), kStops.size() - 2);
  const double f = position - i;
  auto mix = [f](std::uint8_t a, std::uint8_t b) { return static_cast<std::uint8_t>(std::lround(a + f * (b - a))); };
  return {mix(kStops[i].r, kStops[i + 1].r), mix(kStops[i].g, kStops[i + 1].g), mix(kStops[i].b, kStops[i + 1].b)};
}

namespace detail {
namespace {

std::mutex plplot_mutex;     // PLplot's streams and handlers are process-wide
std::string abort_messages;  // what PLplot's plabort reported during the current file

void record_abort(PLCHAR_VECTOR message) { abort_messages += message; }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Adds <title> and <desc> right after the opening <svg ...> tag.
std::string with_svg_text(const std::string& svg, const ChartText& text) {
  const std::size_t open = svg.find("<svg");
  const std::size_t close = open == std::string::npos ? open : svg.find('>', open);
  if (close == std::string::npos) return svg;
  std::string desc;
  for (const auto& name : text.names) {
    if (name.empty()) continue;
    desc += (desc.empty() ? "" : "; ") + escape_html(name);
  }
  return svg.substr(0, close + 1) + "\n<title>" + escape_html(text.title) + "</title>\n<desc>" + desc + "</desc>" +
         svg.substr(close + 1);
}

// Draws into `temporary` through `device`; the stream is ended even when `draw` throws.
void draw_file(const std::filesystem::path& temporary, const char* device, ChartSize size,
               const std::function<void(Canvas&)>& draw) {
  PLINT previous = 0;
  plgstrm(&previous);
  PLINT stream = 0;
  plmkstrm(&stream);
  plsdev(device);
  plsfnam(temporary.c_str());
  plsetopt("geometry", (std::to_string(size.width) + "x" + std::to_string(size.height)).c_str());
  plscolbg(255, 255, 255);
  plinit();
  pladv(0);
  try {
    Canvas canvas(size);
    draw(canvas);
  } catch (...) {
    plend1();
    plsstrm(previous);
    throw;
  }
  plend1();
  plsstrm(previous);
}

void render_file(const std::filesystem::path& target, const char* device, ChartSize size, const ChartText& text,
                 const std::function<void(Canvas&)>& draw) {
  std::filesystem::path temporary = target;
  temporary += ".tmp-" + std::to_string(::getpid());
  // PLplot exits the process when it cannot open its file, so find that out first.
  std::FILE* probe = std::fopen(temporary.c_str(), "wb");
  NNLAB_CHECK(probe != nullptr, IoError, "plot: cannot write '{}': {}", target.string(), std::strerror(errno));
  std::fclose(probe);
  abort_messages.clear();
  try {
    draw_file(temporary, device, size, draw);
  } catch (...) {
    std::filesystem::remove(temporary);
    throw;
  }
  std::error_code error;
  const auto bytes = std::filesystem::file_size(temporary, error);
  if (error || bytes == 0 || !abort_messages.empty()) {
    std::filesystem::remove(temporary, error);
    NNLAB_CHECK(abort_messages.empty(), InternalError, "plot '{}': PLplot refused a call: {}", target.string(),
                abort_messages);
    NNLAB_CHECK(false, IoError, "plot: '{}' came out empty", target.string());
  }
  if (std::string(device) == "svgcairo") {
    const std::string svg = with_svg_text(read_file(temporary), text);
    std::filesystem::remove(temporary, error);
    io::write_file_atomically(target.string(), svg);
    return;
  }
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    NNLAB_CHECK(false, IoError, "plot: cannot write '{}': {}", target.string(), error.message());
  }
}

}  // namespace

ChartFiles render_chart(const std::filesystem::path& path, ChartSize size, const ChartText& text,
                        const std::function<void(Canvas&)>& draw) {
  NNLAB_CHECK(size.width >= 200 && size.height >= 150 && size.width <= 8000 && size.height <= 8000, ValueError,
              "plot '{}': size must be 200..8000 x 150..8000 pixels, got {}x{}", path.string(), size.width,
              size.height);
  std::filesystem::path base = path;
  base.replace_extension();
  ChartFiles files{.png = base, .svg = base};
  files.png += ".png";
  files.svg += ".svg";
  if (base.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(base.parent_path(), error);
    NNLAB_CHECK(!error, IoError, "plot: cannot create folder '{}': {}", base.parent_path().string(), error.message());
  }
  std::lock_guard lock(plplot_mutex);
  plsabort(record_abort);
  render_file(files.png, "pngcairo", size, text, draw);
  render_file(files.svg, "svgcairo", size, text, draw);
  return files;
}

}  // namespace detail
}  // namespace nnlab::report
