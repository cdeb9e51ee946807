#pragma once
// Everything report.html shows, read from a run folder alone (never from live objects), so the
// report can be rebuilt for any run, finished or still training. Every file but config.toml may
// be missing; a missing file reads as empty, and a JSON file that does not parse keeps its error.
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

// Reads `run_dir`. Throws IoError if it is not a folder holding config.toml, and DataError (from
// io::read_run_records) for a log line that is not a record.
ReportInputs read_report_inputs(const std::filesystem::path& run_dir);

}  // namespace nnlab::report
