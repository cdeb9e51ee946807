#include "nnlab/io/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "nnlab/core/check.h"

namespace nnlab::io {

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  NNLAB_CHECK(file != nullptr, IoError, "cannot write '{}': {}", path, std::strerror(errno));
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  const int saved_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (!(written && flushed && closed)) {
    std::remove(temporary.c_str());
    NNLAB_CHECK(false, IoError, "cannot write '{}': {}", path, std::strerror(saved_errno));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    NNLAB_CHECK(false, IoError, "cannot write '{}': {}", path, error.message());
  }
}

}  // namespace nnlab::io
