#include "nnlab/io/checkpoint_set.h"

#include <zlib.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/safetensors.h"

namespace nnlab::io {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kNextSuffix = ".next";

std::uint64_t crc32_of(std::string_view bytes) {
  uLong crc = crc32_z(0L, Z_NULL, 0);
  return crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
}

fs::path next_path(const fs::path& path) { return fs::path(path.string() + std::string(kNextSuffix)); }

Json fingerprint(std::string_view bytes) { return {{"bytes", bytes.size()}, {"crc32", crc32_of(bytes)}}; }

std::optional<std::string> read_if_present(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Whether `path` holds exactly the bytes `expected` fingerprints (its size is compared first).
bool matches(const fs::path& path, const Json& expected) {
  std::error_code error;
  if (!fs::is_regular_file(path, error) || !expected.is_object() ||
      Json(fs::file_size(path, error)) != expected.value("bytes", Json())) {
    return false;
  }
  const std::optional<std::string> bytes = read_if_present(path);
  return bytes && fingerprint(*bytes) == expected;
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::rename(from, to, error);
  NNLAB_CHECK(!error, IoError, "cannot rename '{}' to '{}': {}", from.string(), to.string(), error.message());
}

// state.json as the checkpoint's commit record: {"epoch", "steps", "files": {name: {bytes, crc32}}}.
struct CommitRecord {
  CheckpointState state;
  Json files;
};

CommitRecord read_commit_record(const fs::path& path) {
  NNLAB_CHECK(fs::is_regular_file(path) && fs::file_size(path) < (1 << 20), DataError,
              "'{}' is damaged: not a small regular file as nnlab writes it; start the run again", path.string());
  const std::optional<std::string> text = read_if_present(path);
  NNLAB_CHECK(text.has_value(), IoError, "cannot read '{}'", path.string());
  const Json record = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  const auto whole = [&](const char* key) {
    return record.is_object() && record.contains(key) && record[key].is_number_integer() &&
           record[key].get<std::int64_t>() >= 0;
  };
  NNLAB_CHECK(whole("epoch") && whole("steps") && record.contains("files") && record["files"].is_object(), DataError,
              "'{}' is damaged: expected {{\"epoch\": N, \"steps\": N, \"files\": {{...}}}} as nnlab writes it; "
              "start the run again",
              path.string());
  return {.state = {.epoch = record["epoch"].get<std::int64_t>(), .steps = record["steps"].get<std::int64_t>()},
          .files = record["files"]};
}

// What a killed writer leaves: write_file_atomically's temporary files, and *.next files of a
// commit that never happened (once the committed files are in place, every *.next is stale).
void remove_leftovers(const RunFolder& folder) {
  for (const fs::directory_entry& entry : fs::directory_iterator(folder.dir())) {
    const std::string name = entry.path().filename().string();
    const bool leftover = name.find(kTemporarySuffix) != std::string::npos || name.ends_with(kNextSuffix);
    if (leftover && entry.is_regular_file()) fs::remove(entry.path());
  }
}

}  // namespace

void checkpoint_crash_point() {
  static const long kill_at = [] {
    const char* text = std::getenv("NNLAB_KILL_AT_CHECKPOINT_OP");
    return text ? std::atol(text) : 0L;
  }();
  static long operations = 0;
  if (kill_at > 0 && ++operations == kill_at) std::raise(SIGKILL);
}

void write_checkpoint(const RunFolder& folder, const nn::Module& model, const optim::Optimizer& optimizer,
                      CheckpointState state) {
  const std::string model_bytes = to_safetensors(model.state(), {{"epoch", std::to_string(state.epoch)}});
  const std::string optimizer_bytes = to_safetensors(optimizer.state());
  const fs::path model_path = folder.model(), optimizer_path = folder.optimizer();
  write_file_atomically(next_path(model_path).string(), model_bytes, checkpoint_crash_point);
  write_file_atomically(next_path(optimizer_path).string(), optimizer_bytes, checkpoint_crash_point);
  const Json record = {{"epoch", state.epoch},
                       {"steps", state.steps},
                       {"files",
                        {{model_path.filename().string(), fingerprint(model_bytes)},
                         {optimizer_path.filename().string(), fingerprint(optimizer_bytes)}}}};
  write_file_atomically(folder.state().string(), record.dump() + "\n", checkpoint_crash_point);  // the commit
  rename_or_throw(next_path(model_path), model_path);
  checkpoint_crash_point();
  rename_or_throw(next_path(optimizer_path), optimizer_path);
  checkpoint_crash_point();
  sync_folder(folder.dir());
  checkpoint_crash_point();
}

std::optional<CheckpointState> open_checkpoint(const RunFolder& folder) {
  if (!fs::exists(folder.state())) {
    remove_leftovers(folder);
    return std::nullopt;
  }
  const CommitRecord record = read_commit_record(folder.state());
  for (const fs::path& path : {folder.model(), folder.optimizer()}) {
    const std::string name = path.filename().string();
    NNLAB_CHECK(record.files.contains(name) && record.files.size() == 2, DataError,
                "'{}' is damaged: it does not list the model and the optimiser files; start the run again",
                folder.state().string());
    const Json& expected = record.files[name];
    if (matches(path, expected)) continue;
    // Killed between the commit and the renames: the committed bytes are still under *.next.
    NNLAB_CHECK(matches(next_path(path), expected), DataError,
                "run folder '{}': {} does not match the checkpoint of epoch {} that state.json describes, and no "
                "intact copy is left: the checkpoint is damaged; start the run again",
                folder.dir().string(), name, record.state.epoch);
    rename_or_throw(next_path(path), path);
  }
  remove_leftovers(folder);
  sync_folder(folder.dir());
  return record.state;
}

}  // namespace nnlab::io
