#pragma once
// TensorBoard event files read back for tests: a TFRecord reader written from the format's
// description (not io/'s framing code), checking every record's two CRCs, then the Events.
// For tests that link nnlab_io (its crc32c and the generated tensorboard.pb.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/io/crc32c.h"
#include "tensorboard.pb.h"

namespace nnlab::testing {

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::uint64_t little_endian(const std::string& bytes, std::size_t offset, int count) {
  std::uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i) value = (value << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  return value;
}

// The payloads of a TFRecord file, or the first thing wrong with it.
struct Records {
  std::vector<std::string> payloads;
  std::string error;  // empty when every record and both of its CRCs are sound
};

// TFRecord: uint64 length, uint32 masked crc32c(length bytes), data, uint32 masked crc32c(data),
// integers little endian; masked = rotate right by 15, plus 0xA282EAD8.
inline Records read_tfrecords(const std::string& bytes) {
  const auto masked = [](std::string_view data) {
    const std::uint32_t crc = io::crc32c(data);
    return static_cast<std::uint32_t>(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
  };
  Records out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < 12) return out.error = "truncated header at " + std::to_string(at), out;
    const std::uint64_t length = little_endian(bytes, at, 8);
    if (little_endian(bytes, at + 8, 4) != masked(std::string_view(bytes).substr(at, 8))) {
      return out.error = "length CRC mismatch at " + std::to_string(at), out;
    }
    if (bytes.size() - at - 12 < length + 4) return out.error = "truncated data at " + std::to_string(at), out;
    const std::string data = bytes.substr(at + 12, length);
    if (little_endian(bytes, at + 12 + length, 4) != masked(data)) {
      return out.error = "data CRC mismatch at " + std::to_string(at), out;
    }
    out.payloads.push_back(data);
    at += 12 + length + 4;
  }
  return out;
}

// Every event of one file, parsed; fails the test if a record or an Event is off.
inline std::vector<tensorboard::Event> read_event_file(const std::filesystem::path& path) {
  const Records records = read_tfrecords(read_bytes(path));
  EXPECT_EQ(records.error, "") << path;
  std::vector<tensorboard::Event> events(records.payloads.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_TRUE(events[i].ParseFromString(records.payloads[i]))
        << "record " << i << " of " << path << " is not an Event";
  }
  return events;
}

// The files of `dir`, sorted by name (the order TensorBoard reads them in).
inline std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The single event file in `dir`, read and parsed; fails the test if anything is off.
inline std::vector<tensorboard::Event> read_events(const std::filesystem::path& dir) {
  const std::vector<std::filesystem::path> files = files_in(dir);
  EXPECT_EQ(files.size(), 1u) << "expected one event file in " << dir;
  if (files.empty()) return {};
  return read_event_file(files[0]);
}

}  // namespace nnlab::testing
