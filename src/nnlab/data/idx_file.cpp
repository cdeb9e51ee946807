#include "nnlab/data/idx_file.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/input_file.h"

namespace nnlab::data {
namespace {

// deflate's best case codes a 258-byte match in about 2 bits, so one compressed byte inflates
// to at most 1032 (zlib's technical notes). A gzip file whose header declares more data than
// that cannot hold it: refused before the tensor is allocated.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

// Bytes asked of zlib per call: a whole number of elements of every type (1, 2, 4, 8 bytes).
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

// A gzip stream (or a plain file, which zlib reads unchanged) that closes itself.
class GzStream {
 public:
  GzStream(InputFile file, const std::string& path) : path_(path), size_(file.size()) {
    const int fd = file.release();
    stream_ = gzdopen(fd, "rb");
    if (stream_ == nullptr) ::close(fd);  // gzdopen fails only for lack of memory; it leaves fd open
    NNLAB_CHECK(stream_ != nullptr, IoError, "idx: cannot read '{}': out of memory for the gzip reader", path);
    gzbuffer(stream_, 1u << 17);
  }
  ~GzStream() { gzclose(stream_); }
  GzStream(const GzStream&) = delete;
  GzStream& operator=(const GzStream&) = delete;

  // Reads up to n bytes; fewer only at the end of the data. DataError for a corrupt stream.
  std::size_t read(unsigned char* out, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      const auto ask = static_cast<unsigned>(std::min(n - done, kChunkBytes));
      const int got = gzread(stream_, out + done, ask);
      if (got < 0) {
        int code = 0;
        const std::string reason = gzerror(stream_, &code);
        NNLAB_CHECK(false, DataError, "idx: cannot decompress '{}': {}", path_, reason);
      }
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }
  bool compressed() const { return gzdirect(stream_) == 0; }  // meaningful after the first read
  std::uint64_t file_size() const { return size_; }

 private:
  std::string path_;
  std::uint64_t size_;
  gzFile stream_ = nullptr;
};

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

struct IdxHeader {
  unsigned char code = 0;
  IdxType type{};
  Shape shape;
  std::uint64_t header_bytes = 0;  // 4 + 4 per dimension
  std::uint64_t data_bytes = 0;    // what the shape and type declare
};

IdxHeader read_header(GzStream& stream, const std::string& path) {
  unsigned char magic[4] = {};
  const std::size_t got = stream.read(magic, 4);
  NNLAB_CHECK(got == 4 && magic[0] == 0 && magic[1] == 0, DataError,
              "idx: '{}' is not an IDX file (expected magic bytes 00 00 <type> <dims>, got {} bytes starting {:02x} "
              "{:02x})",
              path, got, magic[0], magic[1]);
  IdxHeader header;
  header.code = magic[2];
  header.type = idx_type(magic[2], path);
  const int dims = magic[3];
  NNLAB_CHECK(dims >= 1 && dims <= kMaxDims, DataError, "idx: '{}' declares {} dimensions, expected 1..{}", path, dims,
              kMaxDims);
  unsigned char sizes[4 * kMaxDims] = {};
  const std::size_t size_bytes = 4 * static_cast<std::size_t>(dims);
  const std::size_t got_sizes = stream.read(sizes, size_bytes);
  NNLAB_CHECK(got_sizes == size_bytes, DataError, "idx: '{}' is truncated inside its header ({} bytes)", path,
              4 + got_sizes);
  header.header_bytes = 4 + size_bytes;
  // 8 sizes below 2^32 can overflow 64 bits: the product is checked as it grows.
  std::uint64_t bytes = static_cast<std::uint64_t>(header.type.bytes);
  bool overflow = false;
  for (int d = 0; d < dims; ++d) {
    const std::uint32_t size = big_endian_u32(&sizes[4 * d]);
    header.shape.push_back(size);
    overflow = overflow || __builtin_mul_overflow(bytes, std::uint64_t{size}, &bytes);
  }
  NNLAB_CHECK(!overflow && bytes <= std::uint64_t{1} << 62, DataError,
              "idx: '{}' declares {} {} values, more than 2^62 bytes of data (the file has {} bytes)", path,
              header.shape, header.type.name, stream.file_size());
  header.data_bytes = bytes;
  return header;
}

// Before anything is allocated: a plain file holds exactly the data its header declares, and a
// gzip file can hold no more than kMaxDeflateRatio times its size.
void check_declared_size(const IdxHeader& header, const GzStream& stream, const std::string& path) {
  const std::uint64_t file_size = stream.file_size();
  if (stream.compressed()) {
    const std::uint64_t most = file_size * kMaxDeflateRatio;
    NNLAB_CHECK(header.data_bytes <= most, DataError,
                "idx: '{}': the header declares {} {} values ({} bytes of data), more than a gzip file of {} bytes can "
                "hold (at most {} bytes: deflate inflates at most {}:1)",
                path, header.shape, header.type.name, header.data_bytes, file_size, most, kMaxDeflateRatio);
    return;
  }
  const std::uint64_t data = file_size - std::min(file_size, header.header_bytes);
  NNLAB_CHECK(data >= header.data_bytes, DataError,
              "idx: '{}' is truncated: the header says {} {} values ({} bytes of data), the file has {}", path,
              header.shape, header.type.name, header.data_bytes, data);
  NNLAB_CHECK(data == header.data_bytes, DataError,
              "idx: '{}': the header says {} {} values ({} bytes of data), the file has {} bytes of data: {} more "
              "than declared",
              path, header.shape, header.type.name, header.data_bytes, data, data - header.data_bytes);
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

// Converts n elements; `first` is the index of data[0] in the file, for messages. A float
// element bound for an integer tensor (labels) must be a whole number int64 holds: a NaN label
// would otherwise become -9223372036854775808.
template <typename T>
void convert(const unsigned char* data, const IdxHeader& header, std::size_t n, std::uint64_t first, T* out,
             const std::string& path) {
  if (header.code == 0x08) {  // the common case (MNIST pixels and labels): no per-element switch
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(data[i]);
    return;
  }
  const bool check_whole = std::is_integral_v<T> && (header.code == 0x0D || header.code == 0x0E);
  for (std::size_t i = 0; i < n; ++i) {
    const double value = element_value(data + i * static_cast<std::size_t>(header.type.bytes), header.code);
    NNLAB_CHECK(!check_whole || (std::isfinite(value) && value == std::trunc(value) && std::abs(value) < 0x1p63),
                DataError, "idx: '{}': expected whole numbers (read as integers, e.g. labels), got {} at element {}",
                path, value, first + i);
    out[i] = static_cast<T>(value);
  }
}

// Streams the data into `out` chunk by chunk, then checks that nothing follows it: a stream
// longer than its header says is an error, found after reading one byte too many, not all of it.
template <typename T>
void read_data(GzStream& stream, const IdxHeader& header, T* out, const std::string& path) {
  const auto width = static_cast<std::uint64_t>(header.type.bytes);
  // No larger than the data: zero-filling 1 MiB costs more than reading a small file.
  std::vector<unsigned char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, header.data_bytes)));
  std::uint64_t done = 0;
  while (done < header.data_bytes) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, header.data_bytes - done));
    const std::size_t got = stream.read(chunk.data(), want);
    NNLAB_CHECK(got == want, DataError,
                "idx: '{}' is truncated: the header says {} {} values ({} bytes of data), the file has {}", path,
                header.shape, header.type.name, header.data_bytes, done + got);
    convert(chunk.data(), header, want / width, done / width, out + done / width, path);
    done += want;
  }
  unsigned char extra = 0;
  NNLAB_CHECK(stream.read(&extra, 1) == 0, DataError,
              "idx: '{}': the header says {} {} values ({} bytes of data), the {} holds more", path, header.shape,
              header.type.name, header.data_bytes, stream.compressed() ? "decompressed stream" : "file");
}

}  // namespace

Tensor read_idx(const std::string& path, DType dtype) {
  GzStream stream(InputFile(path, {.where = "idx", .expected = "an IDX file"}), path);
  const IdxHeader header = read_header(stream, path);
  check_declared_size(header, stream, path);
  Tensor out;
  try {
    out = Tensor::empty(header.shape, dtype);
  } catch (const std::bad_alloc&) {
    NNLAB_CHECK(false, DataError, "idx: '{}': out of memory allocating the {} {} values its header declares", path,
                header.shape, dtype);
  }
  switch (dtype) {
    case DType::f32: read_data(stream, header, out.data<float>(), path); break;
    case DType::f64: read_data(stream, header, out.data<double>(), path); break;
    case DType::i64: read_data(stream, header, out.data<std::int64_t>(), path); break;
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
