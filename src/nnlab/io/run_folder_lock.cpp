#include "nnlab/io/run_folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "nnlab/core/check.h"

namespace nnlab::io {
namespace {

// "process 1234 (nnlab train a.toml)", from the pid in the lock file and the system's record of it.
std::string describe_holder(int fd) {
  char text[32] = {};
  const ssize_t got = ::pread(fd, text, sizeof text - 1, 0);
  long pid = 0;
  if (got <= 0 || std::from_chars(text, text + got, pid).ec != std::errc() || pid <= 0) return "another process";
  std::ifstream cmdline(fmt::format("/proc/{}/cmdline", pid), std::ios::binary);
  std::string command(std::istreambuf_iterator<char>(cmdline), {});
  std::replace(command.begin(), command.end(), '\0', ' ');
  while (!command.empty() && command.back() == ' ') command.pop_back();
  return command.empty() ? fmt::format("process {}", pid) : fmt::format("process {} ({})", pid, command);
}

}  // namespace

RunFolderLock::RunFolderLock(const RunFolder& folder) {
  const std::filesystem::path path = folder.dir() / ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  NNLAB_CHECK(fd_ >= 0, IoError, "cannot open '{}': {}", path.string(), std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int saved_errno = errno;
    const std::string holder = saved_errno == EWOULDBLOCK ? describe_holder(fd_) : std::string();
    ::close(fd_);
    NNLAB_CHECK(!holder.empty(), IoError, "cannot lock '{}': {}", path.string(), std::strerror(saved_errno));
    NNLAB_CHECK(false, IoError, "run folder '{}' is being written by {}; wait for it to end or stop it first",
                folder.dir().string(), holder);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  // Only a second writer's message reads it: a failure to record it is not worth stopping for.
  [[maybe_unused]] const bool recorded =
      ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
}

RunFolderLock::~RunFolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the lock
}

}  // namespace nnlab::io
