#pragma once
// Run folders written by hand for the report.html tests: config.toml, summary.json, run.json,
// model.txt, metrics.jsonl and probes.jsonl lines (io::to_json) and PNGs in plots/, shaped like
// those a real run leaves, with numbers the tests can look for.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace nnlab::testing {

struct FakeRunOptions {
  std::int64_t epochs = 3;           // epochs whose end-of-epoch scalars are written
  std::int64_t steps_per_epoch = 4;  // "step/loss" and "step/lr" at every step
  bool finished = true;              // write summary.json (a run still training has none)
  bool running_epoch = false;        // also write the step records of one more, unfinished epoch
  bool extras = true;                // run.json, model.txt, plots/, probes.jsonl
  std::string odd_tag = "";          // an extra epoch-level tag, e.g. one holding "</script>"
  double val_accuracy = 0.875;       // the last epoch's val/accuracy, and summary.json's
  std::int64_t part_at_step = 0;     // from this step on, "step/loss" is 1e-3 higher (0: never):
                                     // two runs whose losses part at a known step
};

// The config.toml text the fixture writes: its name is "mlp-fashion", and a comment holds the
// characters HTML must escape.
extern const char* const kFakeConfig;

// Writes a run folder under `dir` (created) and returns it. Final numbers from summary.json:
// train loss 0.3125, val loss 0.4375, test loss 0.46875, accuracies 0.9, 0.875, 0.86.
std::filesystem::path write_fake_run(const std::filesystem::path& dir, const FakeRunOptions& options);

// The number of Chart.js charts the report of a folder written with `extras` draws: loss,
// accuracy, lr, "step", "grad_norm" (+ odd_tag's group) line charts and two histograms.
std::int64_t fake_run_chart_count(const FakeRunOptions& options);

// Reads a whole file.
std::string read_file(const std::filesystem::path& path);

// How many times `part` occurs in `text`, not overlapping.
std::size_t count_occurrences(const std::string& text, const std::string& part);

// The JSON a page holds in <script type="application/json" id="`id`">; null when it has no such block.
nlohmann::json json_script(const std::string& html, const std::string& id);

}  // namespace nnlab::testing
