// append_line: a log grows by whole lines only, even when the disk fills up mid-line.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <string>

#include "nnlab/core/check.h"
#include "nnlab/io/run_folder.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A file size limit stands in for a full disk: a write past it is cut short, as on ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = std::signal(SIGXFSZ, SIG_IGN);  // report the short write instead of killing
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_);
  }

 private:
  rlimit saved_{};
  void (*previous_)(int) = nullptr;
};

}  // namespace

TEST(AppendLine, FullDiskLeavesNoPartialLine) {
  testing::TempDir dir;
  const std::filesystem::path log = dir.path() / "steps.jsonl";
  io::append_line(log, "{\"step\": 1}");
  const std::string before = read_file(log);
  {
    const FileSizeLimit limit(before.size() + 10);
    expect_throw_with<IoError>([&] { io::append_line(log, std::string(100, 'x')); },
                               "cannot append to '" + log.string() + "'");
  }
  EXPECT_EQ(read_file(log), before);
  io::append_line(log, "{\"step\": 2}");  // the log goes on from its last whole line
  EXPECT_EQ(read_file(log), before + "{\"step\": 2}\n");
}

}  // namespace nnlab
