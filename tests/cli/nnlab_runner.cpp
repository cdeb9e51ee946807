#include "cli/nnlab_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace nnlab::testing {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

CommandResult run_nnlab(const TempDir& dir, const std::vector<std::string>& args) {
  // Appended piece by piece: GCC 12 reports a false -Wrestrict for chains of string operator+.
  std::string command = "cd ";
  command += quoted(dir.path().string());
  command += " && ";
  command += quoted(NNLAB_BINARY);
  for (const std::string& arg : args) {
    command += ' ';
    command += quoted(arg);
  }
  command += " > nnlab.stdout 2> nnlab.stderr";
  const int raw = std::system(command.c_str());
  return {.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1,
          .out = read_text(dir.path() / "nnlab.stdout"),
          .err = read_text(dir.path() / "nnlab.stderr")};
}

int start_nnlab(const TempDir& dir, const std::vector<std::string>& args, const std::string& name) {
  const std::string out = (dir.path() / (name + ".stdout")).string(), err = (dir.path() / (name + ".stderr")).string();
  std::vector<std::string> argv_text = {NNLAB_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    std::vector<char*> argv;
    for (std::string& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (::chdir(dir.path().c_str()) != 0 || out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
      ::_exit(127);
    }
    ::execv(NNLAB_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

CommandResult wait_nnlab(const TempDir& dir, int pid, const std::string& name) {
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  return {.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1,
          .out = read_text(dir.path() / (name + ".stdout")),
          .err = read_text(dir.path() / (name + ".stderr"))};
}

std::string write_text(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());  // "sub/name.toml"
  std::ofstream(path) << text;
  return path;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::filesystem::path run_folder_of(const TempDir& dir, const CommandResult& result) {
  const std::string marker = "run folder: ";
  const std::size_t at = result.out.rfind(marker);
  if (at == std::string::npos) return {};
  const std::size_t start = at + marker.size();
  return dir.path() / result.out.substr(start, result.out.find('\n', start) - start);
}

std::filesystem::path train_ok(const TempDir& dir, const std::string& config, const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"train", write_text(dir, "config.toml", config)};
  args.insert(args.end(), flags.begin(), flags.end());
  const CommandResult result = run_nnlab(dir, args);
  EXPECT_EQ(result.status, 0) << result.out << result.err;
  const std::filesystem::path folder = run_folder_of(dir, result);
  EXPECT_FALSE(folder.empty()) << result.out;
  return folder;
}

std::string metrics_without_timings(const std::filesystem::path& run_folder) {
  std::string out;
  for (const std::string& line : read_lines(run_folder / "metrics.jsonl")) {
    const auto record = nlohmann::ordered_json::parse(line);
    if (!record["tag"].get<std::string>().starts_with("time/")) out += record.dump() + "\n";
  }
  return out;
}

}  // namespace nnlab::testing
