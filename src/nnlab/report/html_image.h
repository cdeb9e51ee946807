#pragma once
// Pictures inside report.html: any file's bytes (a PNG from io/png_encode.h, a plot) as a
// base64 data: URI, so the page needs no file beside it.
#include <string>
#include <string_view>

namespace nnlab::report {

// "data:<mime>;base64,<bytes in base64>", e.g. data_uri("image/png", png_bytes).
std::string data_uri(std::string_view mime, std::string_view bytes);

}  // namespace nnlab::report
