// decode_image (PNG through libpng, JPEG through libjpeg-turbo) on any bytes, in memory.
#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/data/image_decode.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  fuzz::expect_clean_rejection([&] {
    const data::DecodedImage image = data::decode_image({data, size}, "input");
    // The contract: (H, W, 3) interleaved bytes.
    if (image.rgb.size() != static_cast<std::size_t>(image.height * image.width * 3)) {
      throw InternalError("fuzz_image: rgb does not hold height x width x 3 bytes");
    }
  });
  return 0;
}
