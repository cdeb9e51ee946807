#pragma once
// A run folder, runs/<name>-<timestamp>/, and the files in it. Every file is written whole
// (a temporary name, then rename) except the logs, which grow by complete lines.
#include <filesystem>
#include <string>

namespace nnlab::io {

class RunFolder {
 public:
  // Creates <parent>/<name>-<YYYYmmdd-HHMMSS> (parent included), adding "-2", "-3", ... if a
  // folder of that name exists. Throws IoError naming the folder if it cannot be created.
  static RunFolder create(const std::filesystem::path& parent, const std::string& name);
  // Creates exactly `dir` (parents included), e.g. a sweep's trials/<trial>. Throws IoError
  // naming it if it exists already or cannot be created.
  static RunFolder create_new(const std::filesystem::path& dir);
  // An existing run folder, e.g. to resume or evaluate it. Throws IoError if it is not a folder
  // holding config.toml.
  static RunFolder open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path config() const { return dir_ / "config.toml"; }
  std::filesystem::path metrics_jsonl() const { return dir_ / "metrics.jsonl"; }
  std::filesystem::path metrics_csv() const { return dir_ / "metrics.csv"; }
  std::filesystem::path probes_jsonl() const { return dir_ / "probes.jsonl"; }
  std::filesystem::path plots() const { return dir_ / "plots"; }
  std::filesystem::path tensorboard() const { return dir_ / "tb"; }
  std::filesystem::path report() const { return dir_ / "report.html"; }
  std::filesystem::path model() const { return dir_ / "model.safetensors"; }
  std::filesystem::path optimizer() const { return dir_ / "optimizer.safetensors"; }
  std::filesystem::path state() const { return dir_ / "state.json"; }  // where a resume starts
  std::filesystem::path summary() const { return dir_ / "summary.json"; }

 private:
  explicit RunFolder(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// Appends one line (a '\n' is added) to `path` with a single write, so a reader or a crash never
// leaves a partial line; if the disk fills up mid-line, the part written is cut off again.
// Throws IoError naming the path.
void append_line(const std::filesystem::path& path, const std::string& line);

}  // namespace nnlab::io
