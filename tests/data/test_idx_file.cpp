#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "nnlab/core/check.h"
#include "nnlab/data/idx_file.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab {

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
                             "idx: cannot open '/nonexistent/train-images'");
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

}  // namespace nnlab
