#pragma once
// CRC-32C (Castagnoli), the checksum of TFRecord files, and TFRecord's masked form of it.
#include <cstdint>
#include <span>
#include <string_view>

namespace nnlab::io {

// CRC-32C of `bytes`: reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF
// (RFC 3720 B.4; crc32c("123456789") == 0xE3069283). Table-driven, one byte at a time.
std::uint32_t crc32c(std::span<const std::uint8_t> bytes);
std::uint32_t crc32c(std::string_view bytes);

// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xA282EAD8, modulo 2^32. The mask keeps a
// CRC of data that itself holds CRCs from being trivially related to them.
std::uint32_t mask_crc32c(std::uint32_t crc);

}  // namespace nnlab::io
