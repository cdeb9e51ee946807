#pragma once
// RFC 4648 base64 with '=' padding: image pixels in probes.jsonl, pictures inlined in report.html.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab::io {

std::string base64_encode(std::string_view bytes);
// False for a character outside the alphabet or a length that is not a multiple of 4.
bool base64_decode(std::string_view text, std::vector<std::uint8_t>& out);

}  // namespace nnlab::io
