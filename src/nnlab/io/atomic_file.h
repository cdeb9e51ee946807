#pragma once
// Writing files so that a reader never sees a half-written one: the bytes go to a temporary
// name in the same folder, and a rename makes them appear all at once.
#include <filesystem>
#include <string>
#include <string_view>

namespace nnlab::io {

// Writes `bytes` to `path` atomically. Throws IoError naming the path on any failure and
// leaves no temporary file behind. `after_each_operation`, when given, is called after each
// file operation (create, write, sync, close, rename): a test hook (checkpoint_set.h).
void write_file_atomically(const std::string& path, std::string_view bytes,
                           void (*after_each_operation)() = nullptr);

// Flushes a folder's entries (names created, renamed or removed) to the disk.
void sync_folder(const std::filesystem::path& dir);

// The suffix of write_file_atomically's temporary names: "<name>.tmp-<pid>".
inline constexpr std::string_view kTemporarySuffix = ".tmp-";

}  // namespace nnlab::io
