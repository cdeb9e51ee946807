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

// The most pixels one image may have: 2^26, e.g. 8192x8192, above a 48-megapixel photo. Checked
// from the header, before the decoder allocates. At the cap an image costs about 1 GiB while it
// is decoded and resized (3 bytes a pixel decoded, 12 as float planes); Pillow's own limit
// (2 × Image.MAX_IMAGE_PIXELS, 179 million) let a 420 KB PNG of 12000x12000 cost 2.1 GB.
constexpr std::int64_t kMaxImagePixels = std::int64_t{1} << 26;

}  // namespace nnlab::data
