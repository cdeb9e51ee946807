#include <gtest/gtest.h>

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/data/idx_file.h"
#include "testing/asserts.h"
#include "testing/fifo.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

// An IDX header: magic, type code, then each size as a big-endian uint32.
std::string idx_header(unsigned char code, const std::vector<std::uint32_t>& sizes) {
  std::string bytes = {0, 0, static_cast<char>(code), static_cast<char>(sizes.size())};
  for (std::uint32_t size : sizes) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(size >> shift));
  }
  return bytes;
}

void write_raw(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

// `head` then `zeros` zero bytes, gzip-compressed: a few MB of zeros compress to a few KB.
void write_gzip(const std::string& path, const std::string& head, std::size_t zeros) {
  gzFile file = gzopen(path.c_str(), "wb9");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, head.data(), static_cast<unsigned>(head.size())), static_cast<int>(head.size()));
  const std::vector<char> block(1 << 16, 0);
  for (std::size_t done = 0; done < zeros; done += block.size()) {
    const auto n = static_cast<unsigned>(std::min(block.size(), zeros - done));
    ASSERT_EQ(gzwrite(file, block.data(), n), static_cast<int>(n));
  }
  ASSERT_EQ(gzclose(file), Z_OK);
}

// A big-endian float32, as IDX stores type 0x0D.
std::string big_endian_float(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, 4);
  return {static_cast<char>(bits >> 24), static_cast<char>(bits >> 16), static_cast<char>(bits >> 8),
          static_cast<char>(bits)};
}

}  // namespace

TEST(IdxFile, RoundTripsRawAndGzip) {
  testing::TempDir dir;
  const Tensor images = Tensor::from_doubles({0, 1, 2, 253, 254, 255, 7, 8, 9, 10, 11, 12}, {2, 2, 3}, DType::f64);
  for (bool gzip : {false, true}) {
    const std::string path = dir.file(gzip ? "images.gz" : "images");
    data::write_idx_u8(path, images, gzip);
    const Tensor back = data::read_idx(path, DType::f32);
    EXPECT_EQ(back.shape(), (Shape{2, 2, 3}));
    expect_equal(back, Tensor::from_vector(std::vector<float>{0, 1, 2, 253, 254, 255, 7, 8, 9, 10, 11, 12}, {2, 2, 3}));
    EXPECT_EQ(data::read_idx(path, DType::i64).to_vector<std::int64_t>()[5], 255);
  }
}

TEST(IdxFile, MissingFileIsAnIoErrorNamingThePath) {
  expect_throw_with<IoError>([] { data::read_idx("/nonexistent/train-images", DType::f32); },
                             "idx: '/nonexistent/train-images': expected an IDX file, got no such file");
}

TEST(IdxFile, WrongMagicIsADataError) {
  testing::TempDir dir;
  const std::string path = dir.file("not-idx");
  std::ofstream(path) << "hello world";
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::f32); }, "is not an IDX file");
}

TEST(IdxFile, TruncatedDataIsADataError) {
  testing::TempDir dir;
  const std::string path = dir.file("short");
  {
    std::ofstream out(path, std::ios::binary);
    const unsigned char header[] = {0, 0, 0x08, 1, 0, 0, 0, 100, 1, 2, 3};  // 100 bytes promised, 3 present
    out.write(reinterpret_cast<const char*>(header), sizeof header);
  }
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::f32); },
                               "is truncated: the header says [100] unsigned byte values (100 bytes of data), the file has 3");
}

TEST(IdxFile, UnknownTypeCodeIsADataError) {
  testing::TempDir dir;
  const std::string path = dir.file("badtype");
  {
    std::ofstream out(path, std::ios::binary);
    const unsigned char header[] = {0, 0, 0x42, 1, 0, 0, 0, 1, 0};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
  }
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::f32); }, "unknown element type code 0x42");
}

// A gzip bomb: a header declaring one 28x28 image, then 8 MiB of zeros (8 KB compressed). The
// stream is read only up to one byte past the declared data, not inflated whole.
TEST(IdxFile, GzipStreamLongerThanItsHeaderSaysIsAnError) {
  testing::TempDir dir;
  const std::string path = dir.file("bomb.gz");
  write_gzip(path, idx_header(0x08, {1, 28, 28}), std::size_t{8} << 20);
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::f32); },
                               "idx: '" + path +
                                   "': the header says [1, 28, 28] unsigned byte values (784 bytes of data), the "
                                   "decompressed stream holds more");
}

TEST(IdxFile, PlainFileLongerThanItsHeaderSaysIsAnError) {
  testing::TempDir dir;
  const std::string path = dir.file("long");
  write_raw(path, idx_header(0x08, {3}) + std::string(5, '\1'));
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::f32); },
                               "the header says [3] unsigned byte values (3 bytes of data), the file has 5 bytes of "
                               "data: 2 more than declared");
}

TEST(IdxFile, GzipStreamShorterThanItsHeaderSaysIsTruncated) {
  testing::TempDir dir;
  const std::string path = dir.file("short.gz");
  write_gzip(path, idx_header(0x08, {10, 28, 28}), 28 * 28);
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::f32); },
                               "is truncated: the header says [10, 28, 28] unsigned byte values (7840 bytes of data), "
                               "the file has 784");
}

// 4 GB declared in a gzip file of a few dozen bytes: deflate cannot hold that, so the reader
// refuses before it allocates, giving the declared size and the file's.
TEST(IdxFile, GzipHeaderDeclaringMoreThanDeflateCanHoldIsRefusedBeforeAllocating) {
  testing::TempDir dir;
  const std::string path = dir.file("liar.gz");
  write_gzip(path, idx_header(0x08, {100000, 200, 200}), 0);
  const auto size = std::filesystem::file_size(path);
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::f32); },
                               "the header declares [100000, 200, 200] unsigned byte values (4000000000 bytes of "
                               "data), more than a gzip file of " +
                                   std::to_string(size) + " bytes can hold");
}

TEST(IdxFile, DeclaredSizePast64BitsIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.file("huge");
  const std::uint32_t big = std::numeric_limits<std::uint32_t>::max();
  write_raw(path, idx_header(0x0E, {big, big, big}));
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::f32); }, "more than 2^62 bytes of data");
}

// A float label file read as integers: NaN is named, not shown as -9223372036854775808.
TEST(IdxFile, NanReadAsAnIntegerIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.file("labels");
  write_raw(path, idx_header(0x0D, {3}) + big_endian_float(1) + big_endian_float(std::nanf("")) + big_endian_float(2));
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::i64); },
                               "idx: '" + path +
                                   "': expected whole numbers (read as integers, e.g. labels), got nan "
                                   "at element 1");
  write_raw(path, idx_header(0x0D, {2}) + big_endian_float(1) + big_endian_float(2.5f));
  expect_throw_with<DataError>([&] { data::read_idx(path, DType::i64); }, "got 2.5 at element 1");
  write_raw(path, idx_header(0x0D, {2}) + big_endian_float(1) + big_endian_float(2));
  EXPECT_EQ(data::read_idx(path, DType::i64).to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2}));
}

TEST(IdxFile, FolderFifoAndDeviceAreRefusedByName) {
  testing::TempDir dir;
  expect_throw_with<IoError>([&] { data::read_idx(dir.path().string(), DType::f32); },
                             "expected an IDX file, got a folder");
  const testing::TestFifo fifo(dir.path() / "pipe");
  expect_throw_with<IoError>([&] { data::read_idx(fifo.path(), DType::f32); }, "expected an IDX file, got a FIFO");
  expect_throw_with<IoError>([] { data::read_idx("/dev/zero", DType::f32); },
                             "idx: '/dev/zero': expected an IDX file, got a character device");
}

}  // namespace nnlab
