#include "fuzz_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace nnlab::fuzz {
namespace {

// In memory (/dev/shm) where there is one: every input is written to a file, and on a disk
// file system each rewrite would cost a journal write.
std::filesystem::path make_scratch_dir() {
  std::error_code error;
  const std::filesystem::path parent =
      ::access("/dev/shm", W_OK) == 0 ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path(error);
  std::string pattern = (parent / "nnlab-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("fuzz: cannot create " + pattern + ": " + std::strerror(errno));
  }
  return pattern;
}

}  // namespace

const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path made = make_scratch_dir();
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(scratch_dir(), ignored);
    });
    return made;
  }();
  return dir;
}

// Written in place, then cut to size: truncating to zero first would make ext4 flush the file
// at close (its replace-by-truncate heuristic) when the folder is not in memory.
void write_file(const std::filesystem::path& path, Bytes bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  std::size_t done = 0;
  while (ok && done < bytes.size()) {
    const ssize_t wrote = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    ok = wrote > 0;
    if (ok) done += static_cast<std::size_t>(wrote);
  }
  ok = ok && ::ftruncate(fd, static_cast<off_t>(bytes.size())) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (!ok) throw std::runtime_error("fuzz: cannot write " + path.string() + ": " + std::strerror(errno));
}

}  // namespace nnlab::fuzz
