#pragma once
// Runs the built `nnlab` binary in a temporary folder and captures its exit status and output,
// plus helpers to read what a run left behind.
#include <filesystem>
#include <string>
#include <vector>

#include "testing/temp_dir.h"

namespace nnlab::testing {

struct CommandResult {
  int status = -1;  // the exit status
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `nnlab <args>` with `dir` as the working directory. Arguments are passed through a
// shell, single-quoted.
CommandResult run_nnlab(const TempDir& dir, const std::vector<std::string>& args);

// Starts `nnlab <args>` in `dir` without waiting (stdout and stderr to dir/<name>.stdout and
// .stderr) and returns its process id, to signal or wait for.
int start_nnlab(const TempDir& dir, const std::vector<std::string>& args, const std::string& name = "background");
// Waits for a process start_nnlab started; status -1 if a signal ended it.
CommandResult wait_nnlab(const TempDir& dir, int pid, const std::string& name = "background");

// Writes `text` to dir/name and returns the path.
std::string write_text(const TempDir& dir, const std::string& name, const std::string& text);
std::string read_text(const std::filesystem::path& path);
std::vector<std::string> read_lines(const std::filesystem::path& path);

// The run folder a `nnlab train` printed ("run folder: <dir>"), relative to `dir`.
std::filesystem::path run_folder_of(const TempDir& dir, const CommandResult& result);

// Runs `nnlab train` on `config` (file text, written to dir/config.toml) with extra flags,
// expects success, and returns the run folder.
std::filesystem::path train_ok(const TempDir& dir, const std::string& config,
                               const std::vector<std::string>& flags = {});

// metrics.jsonl without its wall-time records (time/...): what must be identical between two runs.
std::string metrics_without_timings(const std::filesystem::path& run_folder);

}  // namespace nnlab::testing
