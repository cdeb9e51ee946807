#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nnlab/core/check.h"
#include "nnlab/core/input_file.h"
#include "testing/asserts.h"
#include "testing/fifo.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

std::string write(const testing::TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST(InputFile, ReadsARegularFileWholeAndKnowsItsSize) {
  testing::TempDir dir;
  const std::string path = write(dir, "a.txt", "hello\nworld");
  InputFile file(path, {.where = "test"});
  EXPECT_EQ(file.size(), 11u);
  EXPECT_EQ(file.read_rest(), "hello\nworld");
  EXPECT_EQ(read_input_file(path, {.where = "test"}), "hello\nworld");
}

TEST(InputFile, MissingFileSaysNoSuchFile) {
  expect_throw_with<IoError>([] { InputFile("/nonexistent/a.toml", {.where = "test", .expected = "a TOML file"}); },
                             "test: '/nonexistent/a.toml': expected a TOML file, got no such file");
}

TEST(InputFile, FolderIsNamedAsAFolder) {
  testing::TempDir dir;
  expect_throw_with<IoError>([&] { InputFile(dir.path(), {.where = "test"}); },
                             "test: '" + dir.path().string() + "': expected a regular file, got a folder");
}

TEST(InputFile, FifoIsRefusedWithoutWaitingForAWriter) {
  testing::TempDir dir;
  const testing::TestFifo fifo(dir.path() / "pipe");
  expect_throw_with<IoError>([&] { read_input_file(fifo.path(), {.where = "test"}); },
                             "test: '" + fifo.path() + "': expected a regular file, got a FIFO (named pipe)");
}

TEST(InputFile, EndlessDevicesAreRefusedBeforeAnyRead) {
  expect_throw_with<IoError>([] { read_input_file("/dev/zero", {.where = "test"}); },
                             "test: '/dev/zero': expected a regular file, got a character device");
  expect_throw_with<IoError>([] { read_input_file("/dev/urandom", {.where = "test"}); }, "a character device");
}

TEST(InputFile, FileAboveTheCapIsRefusedWithBothSizes) {
  testing::TempDir dir;
  const std::string path = write(dir, "big", std::string(100, 'x'));
  expect_throw_with<DataError>([&] { InputFile(path, {.where = "test", .expected = "a small file", .max_bytes = 64}); },
                               "test: '" + path + "': expected a small file of at most 64 bytes, got 100 bytes");
}

TEST(InputFile, ReadExactNamesTheFileWhenItEndsEarly) {
  testing::TempDir dir;
  const std::string path = write(dir, "short", "abc");
  InputFile file(path, {.where = "test"});
  std::vector<char> bytes(8);
  expect_throw_with<DataError>([&] { file.read_exact(bytes); },
                               "test: '" + path + "': expected 8 bytes at offset 0, the file ends after 3");
}

TEST(InputFile, ForEachLineJoinsLinesAcrossReadChunks) {
  testing::TempDir dir;
  const std::string long_line((std::size_t{1} << 20) + 10, 'a');  // longer than one read chunk
  const std::string path = write(dir, "lines", "one\n\n" + long_line + "\nlast");
  InputFile file(path, {.where = "test"});
  std::vector<std::pair<std::int64_t, std::size_t>> seen;  // (line number, length)
  file.for_each_line([&](std::string_view line, std::int64_t number) { seen.emplace_back(number, line.size()); });
  const std::vector<std::pair<std::int64_t, std::size_t>> expected = {{1, 3}, {2, 0}, {3, long_line.size()}, {4, 4}};
  EXPECT_EQ(seen, expected);
}

TEST(InputFile, NotARegularFileDescribesWhatThePathNames) {
  testing::TempDir dir;
  EXPECT_EQ(not_a_regular_file(write(dir, "f", "x")), std::nullopt);
  EXPECT_EQ(not_a_regular_file(dir.path()), "a folder");
  EXPECT_EQ(not_a_regular_file(dir.path() / "missing"), "no such file");
  EXPECT_EQ(not_a_regular_file("/dev/null"), "a character device");
}

}  // namespace nnlab
