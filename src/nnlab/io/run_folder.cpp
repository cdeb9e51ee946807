#include "nnlab/io/run_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>

#include <fmt/format.h>

#include "nnlab/core/check.h"

namespace nnlab::io {
namespace {

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &local);
  return text;
}

}  // namespace

RunFolder RunFolder::create(const std::filesystem::path& parent, const std::string& name) {
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  NNLAB_CHECK(!error, IoError, "cannot create the output folder '{}': {}", parent.string(), error.message());
  const std::string base = name + "-" + timestamp();
  for (int attempt = 1; attempt < 1000; ++attempt) {
    const std::filesystem::path dir = parent / (attempt == 1 ? base : fmt::format("{}-{}", base, attempt));
    if (std::filesystem::create_directory(dir, error)) return RunFolder(dir);
    NNLAB_CHECK(!error, IoError, "cannot create the run folder '{}': {}", dir.string(), error.message());
  }
  throw IoError(fmt::format("cannot create a run folder '{}/{}-N': every N up to 999 exists", parent.string(), base));
}

RunFolder RunFolder::create_new(const std::filesystem::path& dir) {
  std::error_code error;
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), error);
  NNLAB_CHECK(!error, IoError, "cannot create the output folder '{}': {}", dir.parent_path().string(),
              error.message());
  const bool created = std::filesystem::create_directory(dir, error);
  NNLAB_CHECK(!error, IoError, "cannot create the run folder '{}': {}", dir.string(), error.message());
  NNLAB_CHECK(created, IoError, "run folder '{}' exists already", dir.string());
  return RunFolder(dir);
}

RunFolder RunFolder::open(const std::filesystem::path& dir) {
  NNLAB_CHECK(std::filesystem::is_directory(dir), IoError, "run folder '{}': not a folder", dir.string());
  RunFolder folder(dir);
  NNLAB_CHECK(std::filesystem::is_regular_file(folder.config()), IoError,
              "run folder '{}': no config.toml in it (is it a run folder?)", dir.string());
  return folder;
}

void append_line(const std::filesystem::path& path, const std::string& line) {
  const std::string bytes = line + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  NNLAB_CHECK(fd >= 0, IoError, "cannot open '{}' for appending: {}", path.string(), std::strerror(errno));
  struct stat before {};
  const bool sized = ::fstat(fd, &before) == 0;
  const ssize_t written = ::write(fd, bytes.data(), bytes.size());
  const int write_errno = errno;
  // A full disk or a file size limit can take part of the line: cut the file back to whole lines.
  if (written != static_cast<ssize_t>(bytes.size()) && written > 0 && sized) {
    [[maybe_unused]] const int cut = ::ftruncate(fd, before.st_size);
  }
  ::close(fd);
  NNLAB_CHECK(written == static_cast<ssize_t>(bytes.size()), IoError, "cannot append to '{}': {}", path.string(),
              written < 0 ? std::strerror(write_errno) : "the disk is full or the file too large");
}

}  // namespace nnlab::io
