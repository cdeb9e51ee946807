#pragma once
// Everything report.html shows, read from a run folder alone (never from live objects), so the
// report can be rebuilt for any run, finished or still training. Every file but config.toml may
// be missing; a missing file reads as empty, and a JSON file that does not parse keeps its error.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/io/metrics_log.h"

namespace nnlab::report {

// A JSON object from the run folder: absent when the file is missing or unreadable (then `error`
// says why, and is empty for a file that simply is not there yet).
struct JsonFile {
  std::optional<nlohmann::ordered_json> value;
  std::string error;
};

// One picture from plots/: its name without ".png", and the file's bytes.
struct PlotFile {
  std::string stem;
  std::string bytes;
};

struct ReportInputs {
  std::string folder_name;                // the run folder's own name
  std::string config_text;                // config.toml, verbatim
  JsonFile summary;                       // summary.json: written when training ends
  JsonFile run_info;                      // run.json: how to reproduce the run
  std::optional<std::string> model_text;  // model.txt: the model summary
  std::vector<PlotFile> plots;            // plots/*.png, sorted by file name
  io::RunRecords records;                 // metrics.jsonl and probes.jsonl
};

// The name of the folder `dir` (its last component, also when written with a trailing '/').
std::string folder_name(const std::filesystem::path& dir);

// The largest file read_optional_file reads (run folders hold configs, logs and plots).
constexpr std::uint64_t kMaxReportInputBytes = std::uint64_t{256} << 20;

// A whole file's bytes; nothing when it is missing, is not a regular file (a FIFO, a device),
// is larger than kMaxReportInputBytes or cannot be read.
std::optional<std::string> read_optional_file(const std::filesystem::path& path);

// The *.png files of `plots_dir`, sorted by file name; none when the folder is missing.
std::vector<PlotFile> read_plot_files(const std::filesystem::path& plots_dir);

// A config's top-level `name = "..."`, found by a line match rather than by parsing, so that a
// page can name any config, even one that no longer parses; nothing when there is none.
std::optional<std::string> config_name(const std::string& config_text);

// Reads `run_dir`. Throws IoError if it is not a folder holding config.toml, and DataError (from
// io::read_run_records) for a log line that is not a record.
ReportInputs read_report_inputs(const std::filesystem::path& run_dir);

}  // namespace nnlab::report
