#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "nnlab/io/crc32c.h"

namespace nnlab {
namespace {

std::uint32_t crc_of(const std::vector<std::uint8_t>& bytes) { return io::crc32c(bytes); }

}  // namespace

// RFC 3720 (iSCSI), appendix B.4: CRC-32C of four 32-byte buffers.
TEST(Crc32c, MatchesRfc3720Vectors) {
  EXPECT_EQ(crc_of(std::vector<std::uint8_t>(32, 0x00)), 0x8A9136AAu);
  EXPECT_EQ(crc_of(std::vector<std::uint8_t>(32, 0xFF)), 0x62A8AB43u);
  std::vector<std::uint8_t> ascending(32);
  std::iota(ascending.begin(), ascending.end(), std::uint8_t{0});  // 0, 1, ..., 31
  EXPECT_EQ(crc_of(ascending), 0x46DD794Eu);
  const std::vector<std::uint8_t> descending(ascending.rbegin(), ascending.rend());  // 31, ..., 0
  EXPECT_EQ(crc_of(descending), 0x113FDB5Cu);
}

TEST(Crc32c, MatchesCheckValueAndEmptyInput) {
  EXPECT_EQ(io::crc32c(std::string_view("123456789")), 0xE3069283u);  // the catalogue's "check" value
  EXPECT_EQ(io::crc32c(std::string_view("")), 0x00000000u);
}

TEST(Crc32c, MaskRotatesRightBy15AndAddsConstant) {
  // 0xE3069283 rotated right by 15 is 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5.
  EXPECT_EQ(io::mask_crc32c(0xE3069283u), 0xC78AB0E5u);
  EXPECT_EQ(io::mask_crc32c(0u), 0xA282EAD8u);
  EXPECT_EQ(io::mask_crc32c(0xFFFFFFFFu), 0xA282EAD7u);  // the sum wraps modulo 2^32
}

}  // namespace nnlab
