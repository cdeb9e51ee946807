#pragma once
// The [sweep] table of an experiment config: what `nnlab sweep` varies over the rest of the
// file. Values are kept as TOML text ("0.01", "\"relu\"", "[64, 32]") because each trial is the
// base config with `--set key=value` overrides, checked by parse_config like any other.
//
//   [sweep]
//   grid = { "optim.lr" = [0.1, 0.01], "train.batch_size" = [16, 128] }   # cartesian product
//   variants = [{ name = "bn", "model.batchnorm" = true }, { name = "plain" }]
//   seeds = 3                     # or a list [0, 7, 42]; every configuration runs once per seed
//   rank_by = "val/accuracy"      # a metric tag; accuracy is maximised, loss minimised
//   top = 10                      # rows printed (0: all)
//   compare = ["weight_norm/total"]   # more metrics in results.csv and the comparison charts
//   [sweep.random]                # random search, combined with grid and variants
//   trials = 8
//   seed = 0
//   "optim.lr" = { log_uniform = [1e-4, 1e-1] }
//   "optim.momentum" = { uniform = [0.0, 0.99] }
//   "model.activation" = { choice = ["relu", "tanh"] }
//   [sweep.prune]                 # successive halving: compare trials at these epochs
//   rungs = [1, 3, 9]
//   reduction_factor = 3          # keep the best third at each rung
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/io/config.h"

namespace nnlab::io {

using KeyValueText = std::pair<std::string, std::string>;  // "optim.lr", "0.01"

struct SweepAxis {
  std::string key{};                  // a config key, "section.key"
  std::vector<std::string> values{};  // TOML text, at least one
};

struct SweepVariant {
  std::string name{};                    // letters, digits, '-', '_', '.'
  std::vector<KeyValueText> settings{};  // may be empty (the base config as it is)
};

struct RandomKey {
  enum class Kind { uniform, log_uniform, choice };
  std::string key{};
  Kind kind = Kind::uniform;
  double low = 0.0, high = 0.0;        // uniform, log_uniform (0 < low for log_uniform); low < high
  std::vector<std::string> choices{};  // choice: TOML text, at least one
};

struct RandomSearch {
  std::int64_t trials = 0;  // >= 1
  std::uint64_t seed = 0;
  std::vector<RandomKey> keys{};  // at least one
};

// Asynchronous successive halving (ASHA): a trial reaching a rung is compared, by rank_by, with
// every trial that has reached that rung so far and continues only if it is in the best
// 1 / reduction_factor of them (the best one when fewer than reduction_factor have).
struct PruneConfig {
  std::vector<std::int64_t> rungs{};  // epochs, increasing, each before the last epoch
  std::int64_t reduction_factor = 3;  // >= 2
};

// The most trials one sweep plans: each is a process and a run folder, and the plan is held whole.
constexpr std::int64_t kMaxSweepTrials = 100'000;

struct SweepConfig {
  std::vector<SweepAxis> grid{};  // in file order
  std::vector<SweepVariant> variants{};
  std::optional<RandomSearch> random{};
  std::optional<PruneConfig> prune{};
  std::vector<std::uint64_t> seeds{};  // empty: the config's own seed only
  std::string rank_by = "val/accuracy";
  std::int64_t top = 0;
  std::vector<std::string> compare{};  // more metric tags to chart and tabulate ("weight_norm/total")
};

// A sweep file: the [sweep] table, and the rest of the file as an experiment config.
struct SweepFile {
  SweepConfig sweep;
  std::string base_text;  // the file's text without [sweep], for parse_config with overrides
  std::string source;     // the file's name, for errors
  ExperimentConfig base;  // parse_config(base_text, source, overrides)
};

// Reads `path`, takes its [sweep] table apart and checks it: every key must be a config key
// (ConfigError naming the file, line and key, with a "did you mean"), every list non-empty,
// every range valid, at most kMaxSweepTrials trials; the rest is checked by parse_config with
// `overrides`. A file without [sweep] is a ConfigError saying so. IoError when the file cannot
// be read.
SweepFile load_sweep_file(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});
// The same for a file's text; `source` names it in errors.
SweepFile parse_sweep_text(const std::string& text, const std::string& source,
                           const std::vector<std::string>& overrides = {});

}  // namespace nnlab::io
