#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "nnlab/core/check.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/tensor/creation.h"
#include "nnlab/tensor/view.h"
#include "testing/asserts.h"
#include "testing/fifo.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

// A file with this JSON header (length given or computed) followed by `data_bytes` zero bytes.
std::string write_raw(const testing::TempDir& dir, const std::string& json, std::size_t data_bytes,
                      std::int64_t declared_length = -1) {
  const std::string path = dir.file("raw.safetensors");
  std::ofstream out(path, std::ios::binary);
  const std::uint64_t length = declared_length >= 0 ? static_cast<std::uint64_t>(declared_length) : json.size();
  out.write(reinterpret_cast<const char*>(&length), 8);
  out << json << std::string(data_bytes, '\0');
  return path;
}

template <typename Fn>
void expect_data_error(Fn&& fn, const std::string& fragment) {
  expect_throw_with<DataError>(std::forward<Fn>(fn), fragment);
}

}  // namespace

TEST(Safetensors, RoundTripIsBitExact) {
  testing::TempDir dir;
  Rng rng(1);
  const Tensor a = randn({3, 4}, rng), b = randn({5}, rng, DType::f64);
  const Tensor c = Tensor::from_vector(std::vector<std::int64_t>{1, -2, 3}, {3});
  const Tensor strided = view::transpose(randn({2, 3}, rng), 0, 1);  // saved contiguous
  const std::string path = dir.file("m.safetensors");
  io::save_safetensors(path, {{"layers.0.weight", a}, {"b", b}, {"labels", c}, {"t", strided}}, {{"format", "pt"}});
  const io::SafetensorsFile file = io::load_safetensors(path);
  ASSERT_EQ(file.tensors.size(), 4u);
  expect_equal(file.tensors.at("layers.0.weight"), a);
  expect_equal(file.tensors.at("b"), b);
  expect_equal(file.tensors.at("labels"), c);
  expect_equal(file.tensors.at("t"), strided);
  EXPECT_EQ(file.tensors.at("b").dtype(), DType::f64);
  EXPECT_EQ(file.metadata.at("format"), "pt");
}

TEST(Safetensors, EmptyAndScalarTensors) {
  testing::TempDir dir;
  const std::string path = dir.file("e.safetensors");
  io::save_safetensors(path, {{"empty", Tensor::zeros({0, 3})}, {"scalar", Tensor::scalar(2.5)}});
  const auto file = io::load_safetensors(path);
  EXPECT_EQ(file.tensors.at("empty").shape(), (Shape{0, 3}));
  EXPECT_EQ(file.tensors.at("scalar").item(), 2.5);
}

TEST(Safetensors, MissingFileIsAnIoError) {
  expect_throw_with<IoError>([] { io::load_safetensors("/nonexistent/model.safetensors"); },
                             "safetensors: '/nonexistent/model.safetensors': expected a safetensors file, got no "
                             "such file");
}

TEST(Safetensors, UnwritablePathIsAnIoError) {
  expect_throw_with<IoError>([] { io::save_safetensors("/nonexistent/dir/m.safetensors", {{"a", Tensor::zeros({1})}}); },
                             "cannot write '/nonexistent/dir/m.safetensors'");
}

TEST(Safetensors, FileShorterThanTheLengthField) {
  testing::TempDir dir;
  const std::string path = dir.file("short");
  std::ofstream(path) << "abc";
  expect_data_error([&] { io::load_safetensors(path); }, "too short for the 8-byte header length");
}

TEST(Safetensors, HeaderLengthPastTheEnd) {
  testing::TempDir dir;
  const std::string path = write_raw(dir, "{}", 0, 1000);
  expect_data_error([&] { io::load_safetensors(path); }, "the header length 1000 runs past the end of the file");
}

TEST(Safetensors, BadJson) {
  testing::TempDir dir;
  const std::string path = write_raw(dir, "{\"a\": [", 0);
  expect_data_error([&] { io::load_safetensors(path); }, "the header is not valid JSON");
}

TEST(Safetensors, UnknownDType) {
  testing::TempDir dir;
  const std::string path = write_raw(dir, R"({"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}})", 4);
  expect_data_error([&] { io::load_safetensors(path); }, "tensor 'w' has dtype BF16, nnlab reads F32, F64 and I64");
}

TEST(Safetensors, SizeThatDoesNotMatchTheShape) {
  testing::TempDir dir;
  const std::string path = write_raw(dir, R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})", 20);
  expect_data_error([&] { io::load_safetensors(path); }, "tensor 'w' of shape [2, 3] float32 needs 24 bytes");
}

TEST(Safetensors, OffsetsOutOfRange) {
  testing::TempDir dir;
  const std::string path = write_raw(dir, R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", 8);
  expect_data_error([&] { io::load_safetensors(path); }, "tensor 'w' data_offsets [0, 16] run past the end of the data (8 bytes)");
}

TEST(Safetensors, OverlappingOffsets) {
  testing::TempDir dir;
  const std::string path = write_raw(
      dir,
      R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
      12);
  expect_data_error([&] { io::load_safetensors(path); }, "tensor 'b' overlaps the tensor before it");
}

TEST(Safetensors, HolesInTheData) {
  testing::TempDir dir;
  const std::string path = write_raw(dir, R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8);
  expect_data_error([&] { io::load_safetensors(path); }, "a hole of 4 bytes lies before tensor 'a'");
}

TEST(Safetensors, MissingFields) {
  testing::TempDir dir;
  const std::string path = write_raw(dir, R"({"a": {"dtype": "F32", "shape": [1]}})", 4);
  expect_data_error([&] { io::load_safetensors(path); }, "tensor 'a' needs dtype, shape and data_offsets");
}

TEST(Safetensors, DuplicateNamesAreRejectedOnSave) {
  testing::TempDir dir;
  expect_throw_with<ValueError>(
      [&] { io::save_safetensors(dir.file("d"), {{"a", Tensor::zeros({1})}, {"a", Tensor::zeros({1})}}); },
      "the name 'a' appears twice");
}

// (2^62 + 16) x 4 bytes wraps around 64 bits to 64: the product is checked, not wrapped.
TEST(Safetensors, ShapeWhoseByteSizePasses64BitsIsRefused) {
  testing::TempDir dir;
  std::string path =
      write_raw(dir, R"({"w": {"dtype": "F32", "shape": [4611686018427387920], "data_offsets": [0, 64]}})", 64);
  expect_data_error([&] { io::load_safetensors(path); },
                    "tensor 'w' of shape [4611686018427387920] float32 needs more than 2^64 bytes, its data_offsets "
                    "[0, 64] give 64");
  path = write_raw(dir, R"({"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}})", 0);
  expect_data_error([&] { io::load_safetensors(path); }, "needs more than 2^64 bytes");
  path = write_raw(dir, R"({"w": {"dtype": "F32", "shape": [9223372036854775808, 0], "data_offsets": [0, 0]}})", 0);
  expect_data_error([&] { io::load_safetensors(path); }, "tensor 'w' has a bad size 9223372036854775808");
}

TEST(Safetensors, TensorNameTwiceIsNamed) {
  testing::TempDir dir;
  const std::string path = write_raw(
      dir,
      R"({"a": {"dtype": "F32", "shape": [16], "data_offsets": [0, 64]}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [64, 68]}})",
      68);
  expect_data_error([&] { io::load_safetensors(path); }, "safetensors: '" + path + "': tensor 'a' appears twice");
}

// The header length is checked against the file's size and the 100 MB cap before it is read.
TEST(Safetensors, HeaderLengthAboveTheCapIsRefusedBeforeReading) {
  testing::TempDir dir;
  const std::string path = write_raw(dir, "{}", 0, 100'000'001);
  std::filesystem::resize_file(path, 100'000'016);  // sparse: no disk used
  expect_data_error([&] { io::load_safetensors(path); },
                    "expected a header of at most 100000000 bytes, got a header length of 100000001 (file 100000016 "
                    "bytes)");
}

// init_from = "/dev/zero" read until memory ran out; a FIFO waited for a writer forever.
TEST(Safetensors, DeviceFifoAndFolderAreRefusedByName) {
  expect_throw_with<IoError>([] { io::load_safetensors("/dev/zero"); },
                             "safetensors: '/dev/zero': expected a safetensors file, got a character device");
  testing::TempDir dir;
  expect_throw_with<IoError>([&] { io::load_safetensors(dir.path().string()); },
                             "expected a safetensors file, got a folder");
  const testing::TestFifo fifo(dir.path() / "model.safetensors");
  expect_throw_with<IoError>([&] { io::load_safetensors(fifo.path()); }, "expected a safetensors file, got a FIFO");
}

}  // namespace nnlab
