#pragma once
// Pictures inside report.html: 8-bit images encoded as PNG (libpng), and any file's bytes as a
// base64 data: URI, so the page needs no file beside it.
#include <string>
#include <string_view>

#include "nnlab/train/metrics.h"

namespace nnlab::report {

// `image` as the bytes of an 8-bit PNG file (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA channels).
// Throws ValueError naming `where` for a size or channel count that does not match its pixels,
// or when libpng refuses the image.
std::string encode_png(const train::Image& image, std::string_view where);

// RFC 4648 base64, with '=' padding.
std::string base64_encode(std::string_view bytes);

// "data:<mime>;base64,<bytes in base64>", e.g. data_uri("image/png", png_bytes).
std::string data_uri(std::string_view mime, std::string_view bytes);

}  // namespace nnlab::report
