#pragma once
// Small PNG (libpng) and JPEG (libjpeg) encoders for the image-folder tests, so the tests make
// their own files. Failures throw std::runtime_error.
#include <cstdint>
#include <string>
#include <vector>

namespace nnlab::testing {

enum class PngColor { gray, gray_alpha, rgb, rgba, palette };

struct PngSpec {
  std::int64_t height = 0;
  std::int64_t width = 0;
  PngColor color = PngColor::rgb;
  int bit_depth = 8;                       // 1, 2, 4 (gray, palette), 8, or 16 (big-endian byte pairs)
  bool interlaced = false;                 // Adam7
  std::vector<std::uint8_t> samples = {};  // rows of packed samples, exactly as stored in the PNG
  std::vector<std::uint8_t> palette = {};  // PngColor::palette only: R, G, B per entry
};

std::vector<std::uint8_t> encode_png(const PngSpec& spec);

// Baseline (or progressive) 8-bit JPEG at quality 100 with no chroma subsampling, so colours
// come back within a few levels. samples: (H, W, channels) interleaved; channels 1 or 3.
std::vector<std::uint8_t> encode_jpeg(std::int64_t height, std::int64_t width, int channels,
                                      const std::vector<std::uint8_t>& samples, bool progressive = false);

// A PNG whose header declares an 8-bit RGB image of height x width but whose IDAT holds one
// compressed row of zeros: a few hundred bytes that a decoder must refuse from the header alone
// (a decompression bomb's shape, without its cost to write).
std::vector<std::uint8_t> png_with_only_a_header(std::uint32_t height, std::uint32_t width);

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);

// (H, W, 3) RGB samples of one colour.
std::vector<std::uint8_t> solid_rgb(std::int64_t height, std::int64_t width, std::uint8_t r, std::uint8_t g,
                                    std::uint8_t b);

}  // namespace nnlab::testing
