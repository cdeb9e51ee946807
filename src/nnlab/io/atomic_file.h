#pragma once
// Writing files so that a reader never sees a half-written one: the bytes go to a temporary
// name in the same folder, and a rename makes them appear all at once.
#include <string>
#include <string_view>

namespace nnlab::io {

// Writes `bytes` to `path` atomically. Throws IoError naming the path on any failure and
// leaves no temporary file behind.
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace nnlab::io
