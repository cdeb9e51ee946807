// PNG and JPEG decoding through libpng's and libjpeg's classic APIs, whose errors arrive by
// longjmp. Each setjmp sits in a small guard (png_guarded, jpeg_guarded) whose jumped-over
// frames own nothing with a destructor; all owning objects live in the callers, outside it.
#include "nnlab/data/image_decode.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <cstring>
#include <new>

#include <jerror.h>  // JWRN_* codes
#include <jpeglib.h>
#include <png.h>

#include "nnlab/core/check.h"

namespace nnlab::data {
namespace {

void check_pixel_count(std::int64_t height, std::int64_t width, const std::string& path, const char* format) {
  NNLAB_CHECK(height * width <= kMaxImagePixels, DataError,
              "{}: '{}': expected at most {} pixels (8192x8192; nnlab's limit on one image), got {}x{} (height x "
              "width)",
              format, path, kMaxImagePixels, height, width);
}

// image.rgb sized for its height and width; out of memory is a DataError naming the file.
void allocate_pixels(DecodedImage& image, const std::string& path, const char* format) {
  try {
    image.rgb.resize(static_cast<std::size_t>(image.height * image.width) * 3);
  } catch (const std::bad_alloc&) {
    NNLAB_CHECK(false, DataError, "{}: '{}': out of memory allocating {}x{} (height x width) RGB pixels", format, path,
                image.height, image.width);
  }
}

// ---------------------------------------------------------------------------------------------
// PNG

// What libpng's callbacks reach through their user pointers. Plain data, owned by the caller.
struct PngStream {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t position;
  char message[256];
};

void png_read_bytes(png_structp png, png_bytep out, png_size_t length) {
  auto* stream = static_cast<PngStream*>(png_get_io_ptr(png));
  if (length > stream->size - stream->position) png_error(png, "unexpected end of file (truncated)");
  std::memcpy(out, stream->data + stream->position, length);
  stream->position += length;
}

// libpng's default handlers print to stderr; the library never prints, so keep the message
// and jump back to png_guarded.
[[noreturn]] void png_on_error(png_structp png, png_const_charp message) {
  auto* stream = static_cast<PngStream*>(png_get_error_ptr(png));
  std::snprintf(stream->message, sizeof(stream->message), "%s", message);
  png_longjmp(png, 1);
}

void png_on_warning(png_structp, png_const_charp) {}  // e.g. "iCCP: known incorrect sRGB profile"

// Runs step() with libpng's error jump set; false when libpng reported an error. C++ allows a
// longjmp only over frames that would destroy nothing, so `step` holds no owning locals.
template <typename Step>
bool png_guarded(png_structp png, const Step& step) {
  if (setjmp(png_jmpbuf(png)) != 0) return false;
  step();
  return true;
}

struct PngReader {
  png_structp png = nullptr;
  png_infop info = nullptr;

  explicit PngReader(PngStream* stream) {
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, stream, png_on_error, png_on_warning);
    if (png != nullptr) info = png_create_info_struct(png);
    if (info == nullptr) {
      png_destroy_read_struct(&png, nullptr, nullptr);
      throw std::bad_alloc();
    }
  }
  ~PngReader() { png_destroy_read_struct(&png, &info, nullptr); }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;
};

DecodedImage decode_png(std::span<const std::uint8_t> bytes, const std::string& path) {
  PngStream stream{bytes.data(), bytes.size(), 0, {}};
  PngReader reader(&stream);
  png_structp png = reader.png;
  png_infop info = reader.info;
  const bool header_ok = png_guarded(png, [&] {
    png_set_read_fn(png, &stream, png_read_bytes);
    png_read_info(png, info);
    // Every variant becomes 8-bit RGB: palette -> RGB, gray below 8 bits -> 8 bits,
    // 16 bits -> the high byte, gray -> RGB, alpha dropped. No gamma correction (as Pillow).
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
  });
  NNLAB_CHECK(header_ok, DataError, "png: '{}': expected a readable PNG image, got libpng error \"{}\"", path,
              stream.message);

  DecodedImage image;
  image.height = png_get_image_height(png, info);
  image.width = png_get_image_width(png, info);
  check_pixel_count(image.height, image.width, path, "png");
  const auto row_bytes = static_cast<std::size_t>(image.width) * 3;
  NNLAB_CHECK(png_get_rowbytes(png, info) == row_bytes, InternalError,
              "png: '{}': expected {} bytes per row after the RGB transforms, got {}", path, row_bytes,
              png_get_rowbytes(png, info));
  allocate_pixels(image, path, "png");
  std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
  for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = image.rgb.data() + y * row_bytes;

  // Stops after the pixels: a missing IEND or a bad chunk after IDAT loses no pixel.
  const bool pixels_ok = png_guarded(png, [&] { png_read_image(png, rows.data()); });
  NNLAB_CHECK(pixels_ok, DataError, "png: '{}': expected a readable PNG image, got libpng error \"{}\"", path,
              stream.message);
  return image;
}

// ---------------------------------------------------------------------------------------------
// JPEG

struct JpegErrors {
  jpeg_error_mgr manager;  // first member: libjpeg hands callbacks a jpeg_error_mgr*
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpeg_on_error(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// libjpeg only warns (level -1) about damaged or missing entropy-coded data, then fills the
// rest of the image with gray. Those warnings become errors, as Pillow raises "image file is
// truncated". Other warnings (e.g. extraneous bytes before a marker, common and harmless) and
// trace messages are dropped: the library never prints.
void jpeg_on_message(j_common_ptr cinfo, int level) {
  const int code = cinfo->err->msg_code;
  if (level < 0 &&
      (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC || code == JWRN_HUFF_BAD_CODE)) {
    jpeg_on_error(cinfo);
  }
}

void jpeg_no_output(j_common_ptr) {}

// As png_guarded: `step` and the libjpeg frames under it own nothing a longjmp could skip.
template <typename Step>
bool jpeg_guarded(JpegErrors& errors, const Step& step) {
  if (setjmp(errors.jump) != 0) return false;
  step();
  return true;
}

struct JpegReader {
  jpeg_decompress_struct cinfo{};
  JpegErrors errors{};

  JpegReader() {
    cinfo.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = jpeg_on_error;
    errors.manager.emit_message = jpeg_on_message;
    errors.manager.output_message = jpeg_no_output;
  }
  // A no-op while cinfo.mem is null, i.e. before (or after a failed) jpeg_create_decompress.
  ~JpegReader() { jpeg_destroy_decompress(&cinfo); }
  JpegReader(const JpegReader&) = delete;
  JpegReader& operator=(const JpegReader&) = delete;
};

DecodedImage decode_jpeg(std::span<const std::uint8_t> bytes, const std::string& path) {
  JpegReader reader;
  jpeg_decompress_struct& cinfo = reader.cinfo;
  const bool header_ok = jpeg_guarded(reader.errors, [&] {
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&cinfo, TRUE);
  });
  NNLAB_CHECK(header_ok, DataError, "jpeg: '{}': expected a readable JPEG image, got libjpeg error \"{}\"", path,
              reader.errors.message);

  // Checked before jpeg_start_decompress, which allocates whole-image buffers for progressive files.
  DecodedImage image;
  image.height = cinfo.image_height;
  image.width = cinfo.image_width;
  check_pixel_count(image.height, image.width, path, "jpeg");
  const auto row_bytes = static_cast<std::size_t>(image.width) * 3;
  allocate_pixels(image, path, "jpeg");

  bool layout_ok = true;
  const bool pixels_ok = jpeg_guarded(reader.errors, [&] {
    cinfo.out_color_space = JCS_RGB;  // YCbCr converted, gray replicated; CMYK is an error
    jpeg_start_decompress(&cinfo);
    layout_ok = cinfo.output_width == cinfo.image_width && cinfo.output_height == cinfo.image_height &&
                cinfo.output_components == 3;
    while (layout_ok && cinfo.output_scanline < cinfo.output_height) {
      JSAMPROW row = image.rgb.data() + cinfo.output_scanline * row_bytes;
      jpeg_read_scanlines(&cinfo, &row, 1);
    }
  });
  NNLAB_CHECK(pixels_ok, DataError, "jpeg: '{}': expected a readable JPEG image, got libjpeg error \"{}\"", path,
              reader.errors.message);
  NNLAB_CHECK(layout_ok, InternalError, "jpeg: '{}': expected {}x{} RGB output, got {}x{} with {} components", path,
              cinfo.image_height, cinfo.image_width, cinfo.output_height, cinfo.output_width, cinfo.output_components);
  // No jpeg_finish_decompress: every pixel is in, and a missing EOI marker loses none.
  return image;
}

bool starts_with(std::span<const std::uint8_t> bytes, std::initializer_list<std::uint8_t> signature) {
  return bytes.size() >= signature.size() && std::equal(signature.begin(), signature.end(), bytes.begin());
}

}  // namespace

DecodedImage decode_image(std::span<const std::uint8_t> bytes, const std::string& path) {
  if (starts_with(bytes, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})) return decode_png(bytes, path);
  if (starts_with(bytes, {0xff, 0xd8, 0xff})) return decode_jpeg(bytes, path);
  NNLAB_CHECK(!bytes.empty(), DataError, "image: '{}': expected a PNG or JPEG image, got an empty file", path);
  NNLAB_CHECK(false, DataError,
              "image: '{}': expected a PNG or JPEG signature, got {} bytes starting {:02x}; only PNG and JPEG "
              "are decoded",
              path, bytes.size(), fmt::join(bytes.first(std::min<std::size_t>(bytes.size(), 8)), " "));
  return {};
}

}  // namespace nnlab::data
