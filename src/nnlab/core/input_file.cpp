#include "nnlab/core/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <vector>

#include "nnlab/core/check.h"

namespace nnlab {
namespace {

// What a stat mode that is not a regular file names, in words.
std::string describe_mode(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string describe_errno(int error) {
  if (error == ENOENT || error == ENOTDIR) return "no such file";
  return std::strerror(error);
}

// Chunk size for streaming reads: large enough that system calls cost nothing next to the bytes.
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

// The chunk for a file with `remaining` bytes left (as fstat said): no larger than needed, since
// zero-filling 1 MiB costs more than reading a small file (and 10x that under AddressSanitizer,
// which maps and unmaps it every time); at least a page for files that report size 0 (/proc).
std::size_t chunk_bytes(std::uint64_t remaining) {
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(remaining, 4096, kChunkBytes));
}

}  // namespace

std::optional<std::string> not_a_regular_file(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return describe_errno(errno);
  if (S_ISREG(info.st_mode)) return std::nullopt;
  return describe_mode(info.st_mode);
}

InputFile::InputFile(const std::filesystem::path& path, const InputFileSpec& spec)
    : path_(path.string()), where_(spec.where), max_bytes_(spec.max_bytes) {
  // stat first, so a device is never opened (opening one can have effects); then open and fstat
  // the descriptor itself, so a file swapped in between is caught too. O_NONBLOCK: opening a
  // FIFO waits for a writer without it.
  const std::optional<std::string> found = not_a_regular_file(path);
  NNLAB_CHECK(!found, IoError, "{}: '{}': expected {}, got {}", where_, path_, spec.expected, *found);
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  NNLAB_CHECK(fd_ >= 0, IoError, "{}: '{}': expected {}, got {} when opening it", where_, path_, spec.expected,
              describe_errno(errno));
  struct stat info {};
  const bool stat_ok = ::fstat(fd_, &info) == 0;
  const int stat_error = errno;
  if (!stat_ok || !S_ISREG(info.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    NNLAB_CHECK(false, IoError, "{}: '{}': expected {}, got {}", where_, path_, spec.expected,
                stat_ok ? describe_mode(info.st_mode) : describe_errno(stat_error));
  }
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);  // a regular file now: plain reads
  size_ = static_cast<std::uint64_t>(info.st_size);
  if (size_ > max_bytes_) {
    ::close(fd_);
    fd_ = -1;
    NNLAB_CHECK(false, DataError, "{}: '{}': expected {} of at most {} bytes, got {} bytes", where_, path_,
                spec.expected, max_bytes_, size_);
  }
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)),
      where_(std::move(other.where_)),
      max_bytes_(other.max_bytes_),
      fd_(other.fd_),
      size_(other.size_),
      position_(other.position_) {
  other.fd_ = -1;
}

std::size_t InputFile::read_some(std::span<char> out) {
  NNLAB_CHECK(fd_ >= 0, InternalError, "{}: '{}': read after release()", where_, path_);
  for (;;) {
    const ssize_t got = ::read(fd_, out.data(), out.size());
    if (got >= 0) {
      position_ += static_cast<std::uint64_t>(got);
      return static_cast<std::size_t>(got);
    }
    NNLAB_CHECK(errno == EINTR, IoError, "{}: cannot read '{}': {}", where_, path_, std::strerror(errno));
  }
}

void InputFile::read_exact(std::span<char> out) {
  const std::uint64_t start = position_;
  std::size_t done = 0;
  while (done < out.size()) {
    const std::size_t got = read_some(out.subspan(done));
    NNLAB_CHECK(got > 0, DataError, "{}: '{}': expected {} bytes at offset {}, the file ends after {}", where_, path_,
                out.size(), start, position_);
    done += got;
  }
}

std::string InputFile::read_rest() {
  std::string bytes;
  try {
    // size_ is a hint (files in /proc report 0); the loop reads to the real end, up to the cap.
    bytes.reserve(static_cast<std::size_t>(size_ > position_ ? size_ - position_ : 0));
    std::vector<char> chunk(chunk_bytes(size_ > position_ ? size_ - position_ : 0));
    for (std::size_t got; (got = read_some(chunk)) > 0;) {
      NNLAB_CHECK(bytes.size() + got <= max_bytes_, DataError, "{}: '{}': expected at most {} bytes, got more", where_,
                  path_, max_bytes_);
      bytes.append(chunk.data(), got);
    }
  } catch (const std::bad_alloc&) {
    NNLAB_CHECK(false, DataError, "{}: '{}': out of memory reading its {} bytes", where_, path_, size_);
  }
  return bytes;
}

void InputFile::for_each_line(const std::function<void(std::string_view line, std::int64_t number)>& fn) {
  std::vector<char> chunk(chunk_bytes(size_ > position_ ? size_ - position_ : 0));
  std::string partial;  // a line that runs past the chunk read so far
  std::int64_t number = 0;
  for (std::size_t got; (got = read_some(chunk)) > 0;) {
    std::string_view rest(chunk.data(), got);
    for (std::size_t end; (end = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(end + 1)) {
      if (partial.empty()) {
        fn(rest.substr(0, end), ++number);
      } else {
        partial.append(rest.substr(0, end));
        fn(partial, ++number);
        partial.clear();
      }
    }
    partial.append(rest);
  }
  if (!partial.empty()) fn(partial, ++number);
}

int InputFile::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

std::string read_input_file(const std::filesystem::path& path, const InputFileSpec& spec) {
  InputFile file(path, spec);
  return file.read_rest();
}

}  // namespace nnlab
