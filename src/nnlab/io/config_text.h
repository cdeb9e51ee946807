#pragma once
// The text of a config file, and the same text without one of its own tables: a sweep or
// baseline file is an experiment config plus a [sweep] or [baseline] table, and the config
// reader must see the rest with its line numbers unchanged.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace nnlab::io {

// The largest config file read (8 MiB; configs are a few KB): /dev/zero or a huge file named
// by mistake is refused before it fills memory.
constexpr std::uint64_t kMaxConfigBytes = std::uint64_t{8} << 20;

// The whole file. Throws IoError naming the path (after `where`, for messages) when it is not a
// regular file (a folder, a FIFO, a device: named) or cannot be read; DataError when it is
// larger than kMaxConfigBytes.
std::string read_config_file(const std::filesystem::path& path, std::string_view where = "config");

// `text` with the lines of [table] and its sub-tables ([table.x], [[table.x]]) blank, every other
// line as it was (so an error in the rest still names the right line).
std::string without_table(const std::string& text, std::string_view table);

}  // namespace nnlab::io
