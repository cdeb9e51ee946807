#include "cli/nnlab_runner.h"

#include <sys/wait.h>

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
