#pragma once
// The text of a config file, and the same text without one of its own tables: a sweep or
// baseline file is an experiment config plus a [sweep] or [baseline] table, and the config
// reader must see the rest with its line numbers unchanged.
#include <filesystem>
#include <string>
#include <string_view>

namespace nnlab::io {

// The whole file. Throws IoError naming the path when it is a folder or cannot be read.
std::string read_config_file(const std::filesystem::path& path);

// `text` with the lines of [table] and its sub-tables ([table.x], [[table.x]]) blank, every other
// line as it was (so an error in the rest still names the right line).
std::string without_table(const std::string& text, std::string_view table);

}  // namespace nnlab::io
