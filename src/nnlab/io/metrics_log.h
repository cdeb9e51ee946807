#pragma once
// The metrics stream as files in a run folder, and read back:
//   metrics.jsonl  one scalar record per line: {"tag":"val/loss","step":1200,"epoch":3,"value":0.41}
//                  (a value that is NaN or infinite is written as null)
//   metrics.csv    the same records as tag,step,epoch,value
//   probes.jsonl   one histogram, image or heat-map record per line, with "kind" first
//                  ("histogram", "image", "heatmap", "snapshot"); image pixels are base64
//   snapshots/     one safetensors file per TensorsRecord; probes.jsonl names it ("file")
// Reports and analyses read runs only through read_run_records, never through live objects.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/train/metrics.h"

namespace nnlab::io {

inline constexpr const char* kScalarCsvHeader = "tag,step,epoch,value";

nlohmann::ordered_json to_json(const train::ScalarRecord& record);
nlohmann::ordered_json to_json(const train::HistogramRecord& record);
nlohmann::ordered_json to_json(const train::ImageRecord& record);
nlohmann::ordered_json to_json(const train::HeatmapRecord& record);
std::string to_csv_row(const train::ScalarRecord& record);  // a tag with ',' or '"' is quoted
// One CSV field as RFC 4180 writes it: quoted, with '"' doubled, when it holds ',', '"' or a
// newline (a sweep's trial "lr=0.1,seed=0"); as it is otherwise.
std::string csv_field(const std::string& text);
// to_json(record).dump() without building a JSON object: the line metrics.jsonl gets, written
// for every record a probe makes at every step.
std::string to_jsonl_line(const train::ScalarRecord& record);

// A snapshot as probes.jsonl lists it: where its tensors are (relative to the run folder).
struct SnapshotEntry {
  std::string tag;
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::string file;  // "snapshots/weights-00000100.safetensors"
  std::vector<std::pair<std::string, double>> info;
};
nlohmann::ordered_json to_json(const SnapshotEntry& entry);
// The file name a snapshot of `tag` at `step` gets inside snapshots/.
std::string snapshot_file_name(const std::string& tag, std::int64_t step);

// Everything a run folder's logs hold, in file order.
struct RunRecords {
  std::vector<train::ScalarRecord> scalars;
  std::vector<train::HistogramRecord> histograms;
  std::vector<train::ImageRecord> images;
  std::vector<train::HeatmapRecord> heatmaps;
  std::vector<SnapshotEntry> snapshots;

  // The scalars of one tag, in order.
  std::vector<train::ScalarRecord> series(const std::string& tag) const;
  // Every distinct scalar tag, in order of first appearance.
  std::vector<std::string> scalar_tags() const;
};

// Reads metrics.jsonl and probes.jsonl of `run_dir` (either may be missing: an empty list).
// Throws DataError naming the file and line for a line that is not a record nnlab writes.
RunRecords read_run_records(const std::filesystem::path& run_dir);

// The epoch of a JSON log line (any of the files above), for truncating logs on resume; a line
// that does not read as a record gives INT64_MAX (dropped as if from the future).
std::int64_t record_epoch(const std::string& line);

}  // namespace nnlab::io
