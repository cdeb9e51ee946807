#include "nnlab/io/base64.h"

#include <algorithm>

namespace nnlab::io {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t chunk =
        (byte(i) << 16) | (i + 1 < bytes.size() ? byte(i + 1) << 8 : 0u) | (i + 2 < bytes.size() ? byte(i + 2) : 0u);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  if (text.size() % 4 != 0) return false;
  out.clear();
  std::uint32_t chunk = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* found = std::find(kAlphabet, kAlphabet + 64, c);
    if (found == kAlphabet + 64) return false;
    chunk = (chunk << 6) | static_cast<std::uint32_t>(found - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((chunk >> bits) & 0xFF));
    }
  }
  return true;
}

}  // namespace nnlab::io
