// libpng reports errors by longjmp: the one setjmp sits in png_guarded, whose jumped-over frames
// own nothing with a destructor; the owning objects live in its caller.
#include "nnlab/io/png_encode.h"

#include <png.h>

#include <array>
#include <csetjmp>
#include <cstdio>
#include <new>
#include <vector>

#include "nnlab/core/check.h"

namespace nnlab::io {
namespace {

// What libpng's callbacks reach through their user pointers. Owned by the caller.
struct PngSink {
  std::string* bytes;
  char message[256];
};

void png_append(png_structp png, png_bytep data, png_size_t length) {
  static_cast<PngSink*>(png_get_io_ptr(png))->bytes->append(reinterpret_cast<const char*>(data), length);
}

void png_flush_nothing(png_structp) {}

// libpng's default handler prints to stderr; the library never prints, so keep the message.
[[noreturn]] void png_on_error(png_structp png, png_const_charp message) {
  auto* sink = static_cast<PngSink*>(png_get_error_ptr(png));
  std::snprintf(sink->message, sizeof(sink->message), "%s", message);
  png_longjmp(png, 1);
}

void png_on_warning(png_structp, png_const_charp) {}

// Runs step() with libpng's error jump set; false when libpng reported an error.
template <typename Step>
bool png_guarded(png_structp png, const Step& step) {
  if (setjmp(png_jmpbuf(png)) != 0) return false;
  step();
  return true;
}

void check_image(const train::Image& image, std::string_view where) {
  NNLAB_CHECK(image.height > 0 && image.width > 0, ValueError,
              "image {} must have a positive height and width, got {}x{}", where, image.height, image.width);
  NNLAB_CHECK(image.channels >= 1 && image.channels <= 4, ValueError, "image {} must have 1 to 4 channels, got {}",
              where, image.channels);
  NNLAB_CHECK(image.pixels.size() == static_cast<std::size_t>(image.height * image.width * image.channels), ValueError,
              "image {} of {}x{}x{} (height x width x channels) needs {} pixel bytes, got {}", where, image.height,
              image.width, image.channels, image.height * image.width * image.channels, image.pixels.size());
}

}  // namespace

std::string encode_png(const train::Image& image, std::string_view where) {
  check_image(image, where);
  static constexpr std::array<int, 5> kColorType = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                                    PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGBA};
  const auto row_bytes = static_cast<std::size_t>(image.width * image.channels);
  std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
  for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = const_cast<png_bytep>(image.pixels.data() + y * row_bytes);
  std::string bytes;
  PngSink sink{&bytes, {}};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, png_on_error, png_on_warning);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    throw std::bad_alloc();
  }
  const bool ok = png_guarded(png, [&] {
    png_set_write_fn(png, &sink, png_append, png_flush_nothing);
    png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8,
                 kColorType[static_cast<std::size_t>(image.channels)], PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
  });
  png_destroy_write_struct(&png, &info);
  NNLAB_CHECK(ok, ValueError, "image {} ({}x{}) could not be encoded as PNG: {}", where, image.height, image.width,
              sink.message);
  return bytes;
}

}  // namespace nnlab::io
