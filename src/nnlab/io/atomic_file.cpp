#include "nnlab/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "nnlab/core/check.h"

namespace nnlab::io {

void write_file_atomically(const std::string& path, std::string_view bytes, void (*after_each_operation)()) {
  const auto done = [after_each_operation] {
    if (after_each_operation) after_each_operation();
  };
  const std::string temporary = path + std::string(kTemporarySuffix) + std::to_string(::getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  NNLAB_CHECK(file != nullptr, IoError, "cannot write '{}': {}", path, std::strerror(errno));
  done();
  bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  written = written && std::fflush(file) == 0;
  done();
  const bool synced = written && ::fsync(::fileno(file)) == 0;
  const int saved_errno = errno;
  done();
  const bool closed = std::fclose(file) == 0;
  done();
  if (!(written && synced && closed)) {
    std::remove(temporary.c_str());
    NNLAB_CHECK(false, IoError, "cannot write '{}': {}", path, std::strerror(saved_errno));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    NNLAB_CHECK(false, IoError, "cannot write '{}': {}", path, error.message());
  }
  done();
}

void sync_folder(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  NNLAB_CHECK(fd >= 0, IoError, "cannot open the folder '{}': {}", dir.string(), std::strerror(errno));
  const bool synced = ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  NNLAB_CHECK(synced, IoError, "cannot sync the folder '{}': {}", dir.string(), std::strerror(saved_errno));
}

}  // namespace nnlab::io
