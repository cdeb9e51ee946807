#pragma once
// InputFile: a file a user named, opened for reading only when it is a regular file. Opening
// cannot block (a FIFO is refused, not waited on) and the size is known before anything is read,
// so every reader checks its caps and headers before it allocates.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace nnlab {

// How a reader names itself and what it wanted, for its messages, which read
// "<where>: '<path>': expected <expected>, got <what was found>".
struct InputFileSpec {
  std::string_view where = "read";                                      // "csv", "load_config", "safetensors"
  std::string_view expected = "a regular file";                         // "a TOML file", "a batch file"
  std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max();  // larger files are refused
};

class InputFile {
 public:
  // Opens `path` read-only. Throws IoError for a path that is missing, not a regular file (a
  // folder, a FIFO, a device, a socket: named in the message) or cannot be opened; DataError for
  // a file larger than spec.max_bytes (both sizes in the message).
  InputFile(const std::filesystem::path& path, const InputFileSpec& spec);
  ~InputFile();
  InputFile(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  InputFile& operator=(InputFile&&) = delete;

  const std::string& path() const { return path_; }
  std::string_view where() const { return where_; }
  std::uint64_t size() const { return size_; }  // as fstat gave it when the file was opened

  // Reads up to out.size() bytes at the current position; returns how many (0 at the end).
  // Throws IoError on a read error.
  std::size_t read_some(std::span<char> out);
  // Reads exactly out.size() bytes; throws DataError naming the file if it ends first.
  void read_exact(std::span<char> out);
  // Everything from the current position to the end. Throws DataError when that passes
  // max_bytes (a file that grew since it was opened, or one whose reported size is 0, as in /proc).
  std::string read_rest();
  // Calls fn(line, line_number) for each line from the current position, without its '\n';
  // numbers are 1-based. Reads in chunks: memory holds one line, not the file.
  void for_each_line(const std::function<void(std::string_view line, std::int64_t number)>& fn);
  // Hands the descriptor over (to gzdopen, say): the caller closes it, this object no longer does.
  int release();

 private:
  std::string path_;
  std::string where_;
  std::uint64_t max_bytes_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t position_ = 0;
};

// The whole of a regular file, read through InputFile (same checks and errors).
std::string read_input_file(const std::filesystem::path& path, const InputFileSpec& spec);

// nullopt when `path` names a regular file (following symbolic links), else what it names, in
// words for a message: "no such file", "a folder", "a FIFO", "a character device", "a block
// device", "a socket", or the error stat() gave.
std::optional<std::string> not_a_regular_file(const std::filesystem::path& path);

}  // namespace nnlab
