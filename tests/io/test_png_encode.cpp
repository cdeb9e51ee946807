// io::encode_png against libpng's own decoder (data/image_decode.h), and base64 against RFC 4648.
#include <gtest/gtest.h>

#include "nnlab/core/error.h"
#include "nnlab/data/image_decode.h"
#include "nnlab/io/base64.h"
#include "nnlab/io/png_encode.h"
#include "testing/asserts.h"

namespace nnlab::io {
namespace {

TEST(PngEncode, RoundTripsThroughTheDecoder) {
  train::Image image{.height = 2, .width = 3, .channels = 3, .pixels = {}, .caption = ""};
  for (int i = 0; i < 18; ++i) image.pixels.push_back(static_cast<std::uint8_t>(i * 14));
  const std::string png = encode_png(image, "test");
  const data::DecodedImage decoded =
      data::decode_image({reinterpret_cast<const std::uint8_t*>(png.data()), png.size()}, "test.png");
  EXPECT_EQ(decoded.height, 2);
  EXPECT_EQ(decoded.width, 3);
  EXPECT_EQ(decoded.rgb, image.pixels);
  image.pixels.pop_back();
  expect_throw_with<ValueError>([&] { encode_png(image, "'bad' #0"); },
                                "image 'bad' #0 of 2x3x3 (height x width x channels) needs 18 pixel bytes, got 17");
  image.channels = 5;
  expect_throw_with<ValueError>([&] { encode_png(image, "'five'"); }, "image 'five' must have 1 to 4 channels, got 5");
}

TEST(Base64, EncodesAndDecodesRfc4648Vectors) {
  // RFC 4648 section 10.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    std::vector<std::uint8_t> decoded;
    ASSERT_TRUE(base64_decode(encoded, decoded));
    EXPECT_EQ(std::string(decoded.begin(), decoded.end()), plain);
  }
  std::vector<std::uint8_t> out;
  EXPECT_FALSE(base64_decode("Zm9", out));   // not a multiple of 4
  EXPECT_FALSE(base64_decode("Zm!v", out));  // outside the alphabet
}

}  // namespace
}  // namespace nnlab::io
