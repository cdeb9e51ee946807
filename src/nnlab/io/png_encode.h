#pragma once
// 8-bit images as PNG files in memory, for TensorBoard's image summaries and report.html.
#include <string>
#include <string_view>

#include "nnlab/train/metrics.h"

namespace nnlab::io {

// `image` as the bytes of an 8-bit PNG file (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA channels).
// Throws ValueError naming `where` for a size or channel count that does not match its pixels,
// or when libpng refuses the image.
std::string encode_png(const train::Image& image, std::string_view where);

}  // namespace nnlab::io
