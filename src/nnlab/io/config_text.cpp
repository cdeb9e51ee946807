#include "nnlab/io/config_text.h"

#include <algorithm>
#include <sstream>

#include "nnlab/core/input_file.h"

namespace nnlab::io {

std::string read_config_file(const std::filesystem::path& path, std::string_view where) {
  return read_input_file(path, {.where = where, .expected = "a TOML file", .max_bytes = kMaxConfigBytes});
}

std::string without_table(const std::string& text, std::string_view table) {
  std::istringstream in(text);
  std::string out;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    const std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '[') {
      std::string header = line.substr(first);  // "[ sweep . random ]" -> "sweep.random]"
      header.erase(std::remove_if(header.begin(), header.end(), [](char c) { return c == ' ' || c == '\t' || c == '['; }),
                   header.end());
      inside = header.starts_with(table) &&
               (header.size() == table.size() || header[table.size()] == ']' || header[table.size()] == '.');
    }
    out += inside ? "\n" : line + "\n";
  }
  return out;
}

}  // namespace nnlab::io
