// libpng and libjpeg report errors by longjmp; each setjmp guard below runs a lambda that owns
// nothing, and every owning object lives outside it.
#include "image_writer.h"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

namespace nnlab::testing {
namespace {

int png_color_type(PngColor color) {
  switch (color) {
    case PngColor::gray:
      return PNG_COLOR_TYPE_GRAY;
    case PngColor::gray_alpha:
      return PNG_COLOR_TYPE_GRAY_ALPHA;
    case PngColor::rgb:
      return PNG_COLOR_TYPE_RGB;
    case PngColor::rgba:
      return PNG_COLOR_TYPE_RGB_ALPHA;
    case PngColor::palette:
      return PNG_COLOR_TYPE_PALETTE;
  }
  throw std::runtime_error("encode_png: unknown colour type");
}

int png_channels(PngColor color) {
  switch (color) {
    case PngColor::gray_alpha:
      return 2;
    case PngColor::rgb:
      return 3;
    case PngColor::rgba:
      return 4;
    default:
      return 1;
  }
}

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + length);
}

void flush_nothing(png_structp) {}

void png_error_to_jump(png_structp png, png_const_charp) { png_longjmp(png, 1); }
void png_warning_ignored(png_structp, png_const_charp) {}

template <typename Step>
bool png_guarded(png_structp png, const Step& step) {
  if (setjmp(png_jmpbuf(png)) != 0) return false;
  step();
  return true;
}

struct JpegErrors {
  jpeg_error_mgr manager;  // first member: libjpeg hands callbacks a jpeg_error_mgr*
  std::jmp_buf jump;
};

[[noreturn]] void jpeg_error_to_jump(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<JpegErrors*>(cinfo->err)->jump, 1);
}

template <typename Step>
bool jpeg_guarded(JpegErrors& errors, const Step& step) {
  if (setjmp(errors.jump) != 0) return false;
  step();
  return true;
}

}  // namespace

std::vector<std::uint8_t> encode_png(const PngSpec& spec) {
  const auto bits_per_row = static_cast<std::size_t>(spec.width) * png_channels(spec.color) * spec.bit_depth;
  const std::size_t row_bytes = (bits_per_row + 7) / 8;
  if (spec.samples.size() != row_bytes * static_cast<std::size_t>(spec.height)) {
    throw std::runtime_error("encode_png: samples do not fill height x row bytes");
  }
  std::vector<png_bytep> rows;
  for (std::int64_t y = 0; y < spec.height; ++y) {
    rows.push_back(const_cast<png_bytep>(spec.samples.data()) + static_cast<std::size_t>(y) * row_bytes);
  }
  std::vector<png_color> palette;
  for (std::size_t i = 0; i + 2 < spec.palette.size(); i += 3) {
    palette.push_back({spec.palette[i], spec.palette[i + 1], spec.palette[i + 2]});
  }
  std::vector<std::uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, png_error_to_jump, png_warning_ignored);
  png_infop info = png_create_info_struct(png);
  const bool ok = png_guarded(png, [&] {
    png_set_write_fn(png, &out, append_bytes, flush_nothing);
    png_set_IHDR(png, info, static_cast<png_uint_32>(spec.width), static_cast<png_uint_32>(spec.height), spec.bit_depth,
                 png_color_type(spec.color), spec.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
    png_write_info(png, info);
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
  });
  png_destroy_write_struct(&png, &info);
  if (!ok) throw std::runtime_error("encode_png: libpng failed");
  return out;
}

std::vector<std::uint8_t> encode_jpeg(std::int64_t height, std::int64_t width, int channels,
                                      const std::vector<std::uint8_t>& samples, bool progressive) {
  if (samples.size() != static_cast<std::size_t>(height * width * channels)) {
    throw std::runtime_error("encode_jpeg: samples do not fill height x width x channels");
  }
  jpeg_compress_struct cinfo{};
  JpegErrors errors{};
  cinfo.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpeg_error_to_jump;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  const bool ok = jpeg_guarded(errors, [&] {
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = static_cast<JDIMENSION>(width);
    cinfo.image_height = static_cast<JDIMENSION>(height);
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 100, TRUE);
    for (int c = 0; c < cinfo.num_components; ++c) {
      cinfo.comp_info[c].h_samp_factor = 1;  // 4:4:4, no chroma subsampling
      cinfo.comp_info[c].v_samp_factor = 1;
    }
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
      JSAMPROW row = const_cast<JSAMPROW>(samples.data()) +
                     static_cast<std::size_t>(cinfo.next_scanline) * static_cast<std::size_t>(width * channels);
      jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
  });
  std::vector<std::uint8_t> out;
  if (ok) out.assign(buffer, buffer + size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);
  if (!ok) throw std::runtime_error("encode_jpeg: libjpeg failed");
  return out;
}

namespace {

void append_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

// One PNG chunk: length, type, data, CRC-32 of type and data.
void append_chunk(std::vector<std::uint8_t>& out, const char* type, const std::vector<std::uint8_t>& data) {
  append_u32(out, static_cast<std::uint32_t>(data.size()));
  std::vector<std::uint8_t> typed(type, type + 4);
  typed.insert(typed.end(), data.begin(), data.end());
  out.insert(out.end(), typed.begin(), typed.end());
  append_u32(out, static_cast<std::uint32_t>(crc32(0, typed.data(), static_cast<uInt>(typed.size()))));
}

}  // namespace

std::vector<std::uint8_t> png_with_only_a_header(std::uint32_t height, std::uint32_t width) {
  std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<std::uint8_t> header;
  append_u32(header, width);
  append_u32(header, height);
  header.insert(header.end(), {8, 2, 0, 0, 0});  // bit depth 8, colour type RGB, deflate, no filter, no interlace
  append_chunk(out, "IHDR", header);
  const std::vector<std::uint8_t> row(1 + 3 * static_cast<std::size_t>(width), 0);  // filter byte + pixels
  std::vector<std::uint8_t> compressed(compressBound(static_cast<uLong>(row.size())));
  uLongf size = static_cast<uLongf>(compressed.size());
  if (compress(compressed.data(), &size, row.data(), static_cast<uLong>(row.size())) != Z_OK) {
    throw std::runtime_error("png_with_only_a_header: compress failed");
  }
  compressed.resize(size);
  append_chunk(out, "IDAT", compressed);
  append_chunk(out, "IEND", {});
  return out;
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("write_bytes: cannot write " + path);
}

std::vector<std::uint8_t> solid_rgb(std::int64_t height, std::int64_t width, std::uint8_t r, std::uint8_t g,
                                    std::uint8_t b) {
  std::vector<std::uint8_t> samples;
  for (std::int64_t i = 0; i < height * width; ++i) samples.insert(samples.end(), {r, g, b});
  return samples;
}

}  // namespace nnlab::testing
