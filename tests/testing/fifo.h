#pragma once
// A FIFO (named pipe) for tests that expect it to be refused. Were the code under test to wait
// on it instead (in open() or read(), as an std::ifstream does), a helper thread opens it for
// writing after a grace period and closes it again: the wait ends with an empty read, and the
// test fails instead of hanging.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

namespace nnlab::testing {

class TestFifo {
 public:
  explicit TestFifo(std::filesystem::path path) : path_(std::move(path)) {
    if (::mkfifo(path_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed for " + path_.string());
    releaser_ = std::thread([this] { release_waiting_readers(); });
  }
  ~TestFifo() {
    done_ = true;
    releaser_.join();
  }
  TestFifo(const TestFifo&) = delete;
  TestFifo& operator=(const TestFifo&) = delete;

  std::string path() const { return path_.string(); }

 private:
  void release_waiting_readers() const {
    const auto start = std::chrono::steady_clock::now();
    while (!done_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (std::chrono::steady_clock::now() - start < std::chrono::seconds(2)) continue;
      // Non-blocking: fails at once (ENXIO) while no reader has the FIFO open.
      const int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) ::close(fd);
    }
  }

  std::filesystem::path path_;
  std::atomic<bool> done_{false};
  std::thread releaser_;
};

}  // namespace nnlab::testing
