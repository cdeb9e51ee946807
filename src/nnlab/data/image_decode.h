#pragma once
// PNG (libpng) and JPEG (libjpeg-turbo) decoding to 8-bit RGB, from bytes in memory.
// Pixel values are the file's samples as Pillow's Image.convert("RGB") gives them: gamma and
// colour profiles are ignored, alpha is dropped (not composited), gray is replicated.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nnlab::data {

struct DecodedImage {
  std::int64_t height = 0;
  std::int64_t width = 0;
  std::vector<std::uint8_t> rgb;  // (H, W, 3) interleaved, row-major
};

// Decodes `bytes`, a PNG or JPEG told apart by its signature, not by a file extension.
// 16-bit PNG samples keep their high byte, as Pillow does for RGB.
// Throws DataError naming `path` (used only in messages) for bytes that are neither format, a
// corrupt or truncated file (a JPEG whose entropy-coded data ends early or hits a marker is an
// error, not gray blocks), an unsupported variant (CMYK or 12-bit JPEG), or an image above
// kMaxImagePixels.
DecodedImage decode_image(std::span<const std::uint8_t> bytes, const std::string& path);

// Pillow's decompression-bomb limit (2 × Image.MAX_IMAGE_PIXELS): a corrupt header cannot make
// the decoder allocate gigabytes.
constexpr std::int64_t kMaxImagePixels = 2 * 89'478'485;

}  // namespace nnlab::data
