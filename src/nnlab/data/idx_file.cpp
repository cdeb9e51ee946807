#include "nnlab/data/idx_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "nnlab/core/check.h"

namespace nnlab::data {
namespace {

std::vector<unsigned char> read_all(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files unchanged
  NNLAB_CHECK(file != nullptr, IoError, "idx: cannot open '{}': {}", path, std::strerror(errno));
  std::vector<unsigned char> bytes;
  constexpr unsigned kChunk = 1u << 20;
  for (;;) {
    const std::size_t used = bytes.size();
    bytes.resize(used + kChunk);
    const int got = gzread(file, bytes.data() + used, kChunk);
    if (got < 0) {
      int code = 0;
      const std::string reason = gzerror(file, &code);
      gzclose(file);
      NNLAB_CHECK(false, DataError, "idx: cannot decompress '{}': {}", path, reason);
    }
    bytes.resize(used + static_cast<std::size_t>(got));
    if (got == 0) break;
  }
  gzclose(file);
  return bytes;
}

std::uint32_t big_endian_u32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

struct IdxType {
  int bytes;
  const char* name;
};

IdxType idx_type(unsigned char code, const std::string& path) {
  switch (code) {
    case 0x08: return {1, "unsigned byte"};
    case 0x09: return {1, "signed byte"};
    case 0x0B: return {2, "short"};
    case 0x0C: return {4, "int"};
    case 0x0D: return {4, "float"};
    case 0x0E: return {8, "double"};
    default: break;
  }
  NNLAB_CHECK(false, DataError, "idx: '{}' has unknown element type code 0x{:02x}", path, code);
  return {};
}

// One big-endian element of the given type as double.
double element_value(const unsigned char* p, unsigned char code) {
  std::uint64_t bits = 0;
  switch (code) {
    case 0x08: return p[0];
    case 0x09: return static_cast<signed char>(p[0]);
    case 0x0B: return static_cast<std::int16_t>((p[0] << 8) | p[1]);
    case 0x0C: return static_cast<std::int32_t>(big_endian_u32(p));
    case 0x0D: {
      const std::uint32_t u = big_endian_u32(p);
      float f;
      std::memcpy(&f, &u, 4);
      return f;
    }
    default:
      for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
      double d;
      std::memcpy(&d, &bits, 8);
      return d;
  }
}

template <typename T>
void convert(const unsigned char* data, unsigned char code, int width, std::int64_t n, T* out) {
  if (code == 0x08) {  // the common case (MNIST pixels and labels): no per-element switch
    for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(data[i]);
    return;
  }
  for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(element_value(data + i * width, code));
}

}  // namespace

Tensor read_idx(const std::string& path, DType dtype) {
  const std::vector<unsigned char> bytes = read_all(path);
  NNLAB_CHECK(bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 0, DataError,
              "idx: '{}' is not an IDX file (expected magic bytes 00 00 <type> <dims>, got {} bytes starting {:02x} {:02x})",
              path, bytes.size(), bytes.size() > 0 ? bytes[0] : 0, bytes.size() > 1 ? bytes[1] : 0);
  const IdxType type = idx_type(bytes[2], path);
  const int dims = bytes[3];
  NNLAB_CHECK(dims >= 1 && dims <= kMaxDims, DataError, "idx: '{}' declares {} dimensions, expected 1..{}", path, dims,
              kMaxDims);
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(dims);
  NNLAB_CHECK(bytes.size() >= header, DataError, "idx: '{}' is truncated inside its header ({} bytes)", path,
              bytes.size());
  Shape shape;
  for (int d = 0; d < dims; ++d) shape.push_back(big_endian_u32(&bytes[4 + 4 * d]));
  const auto need = static_cast<std::size_t>(shape.numel()) * static_cast<std::size_t>(type.bytes);
  NNLAB_CHECK(bytes.size() - header >= need, DataError,
              "idx: '{}' is truncated: the header says {} {} values ({} bytes of data), the file has {}", path, shape,
              type.name, need, bytes.size() - header);
  Tensor out = Tensor::empty(shape, dtype);
  const unsigned char* data = bytes.data() + header;
  switch (dtype) {
    case DType::f32: convert(data, bytes[2], type.bytes, shape.numel(), out.data<float>()); break;
    case DType::f64: convert(data, bytes[2], type.bytes, shape.numel(), out.data<double>()); break;
    case DType::i64: convert(data, bytes[2], type.bytes, shape.numel(), out.data<std::int64_t>()); break;
  }
  return out;
}

void write_idx_u8(const std::string& path, const Tensor& t, bool gzip) {
  std::vector<unsigned char> bytes{0, 0, 0x08, static_cast<unsigned char>(t.dim())};
  for (std::int64_t size : t.shape()) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<unsigned char>(size >> shift));
  }
  for (double v : t.to_vector<double>()) {
    NNLAB_CHECK(v >= 0 && v <= 255, ValueError, "write_idx_u8: values must be in 0..255, got {}", v);
    bytes.push_back(static_cast<unsigned char>(v));
  }
  gzFile file = gzopen(path.c_str(), gzip ? "wb" : "wbT");  // "T": write without compression
  NNLAB_CHECK(file != nullptr, IoError, "write_idx_u8: cannot open '{}' for writing: {}", path, std::strerror(errno));
  const int wrote = gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  const int closed = gzclose(file);
  NNLAB_CHECK(wrote == static_cast<int>(bytes.size()) && closed == Z_OK, IoError, "write_idx_u8: writing '{}' failed",
              path);
}

}  // namespace nnlab::data
