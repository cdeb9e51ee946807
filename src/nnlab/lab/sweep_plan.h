#pragma once
// The trials of a sweep: (each variant, or the base config) x (the grid's cartesian product) x
// (each random draw, or none) x (each seed), each a set of `--set` overrides on the base config.
// Every trial's config is checked before anything runs.
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/io/sweep_config.h"

namespace nnlab::lab {

struct Trial {
  std::string name;                        // readable and unique: "bn,lr=0.01,batch_size=16,seed=0"
  std::string configuration;               // the name without its seed: the trials of one results row
  std::vector<io::KeyValueText> settings;  // what the trial changes, seed excluded, in order
  std::uint64_t seed = 0;
  std::vector<std::string> overrides;  // `overrides` given to plan_sweep, then "key=value"s and "seed=N"
};

// Expands the sweep, in a fixed order: variants, then grid (last key fastest), then random
// draws, then seeds. Random values come from the sweep's own seed, so the plan is the same
// every time; a drawn value of an integer key is rounded. Throws ConfigError naming the trial
// and the key when a trial's config is invalid (a value out of range, a wrong type).
std::vector<Trial> plan_sweep(const io::SweepFile& file, const std::vector<std::string>& overrides = {});

// check_experiment_data (experiment_data.h) on the base config's [data] and on every trial's
// that a swept key changes, so that a sweep without its data stops before it makes a folder.
void check_sweep_data(const io::SweepFile& file, const std::vector<Trial>& trials);

// One line per trial ("  3  lr=0.01,batch_size=16,seed=0"), for `nnlab sweep --dry-run`.
std::string describe_plan(const std::vector<Trial>& trials);

}  // namespace nnlab::lab
