#pragma once
// One experiment end to end: data, model, optimiser and schedule from the config, a run
// folder, the Trainer with its progress and logging callbacks, and summary.json at the end.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "nnlab/io/config.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/lab/experiment_data.h"
#include "nnlab/nn/module.h"
#include "nnlab/train/callback.h"

namespace nnlab::lab {

struct RunOptions {
  std::ostream* progress = nullptr;  // null: no progress output
  bool terminal = false;             // progress goes to a terminal: draw a bar
  std::string command;               // the command line as typed, for run.json ("how to reproduce")
  std::filesystem::path run_dir;     // set: the run folder itself, created new (a sweep's trial)
  std::int64_t until_epoch = 0;      // > 0: pause after this epoch with a checkpoint (a sweep's rung)
  // Ctrl-C and SIGTERM end training between two steps (StopReason::interrupted), with the logs,
  // the last checkpoint and summary.json in place, instead of killing the process.
  bool stop_on_interrupt = false;
};

// An experiment's parts, built but not trained (`nnlab info`, `nnlab eval`).
struct Experiment {
  io::ExperimentConfig config;
  ExperimentData data;
  std::shared_ptr<nn::Module> model;
  Shape example_shape;  // one input row, without the batch dim
};
// Seeds the global Rng and sets the thread count from the config first, so that building is
// reproducible.
Experiment build_experiment(const io::ExperimentConfig& config);

// The model's layers, output shapes and parameter counts for one example (`nnlab info`, model.txt),
// and for a one-hidden-layer ReLU MLP the bound on its linear regions (E6).
std::string model_summary(const Experiment& e);

struct RunOutcome {
  std::filesystem::path folder;
  train::TrainResult result;
  std::int64_t checkpoint_epoch = 0;  // the epoch of the run's last checkpoint (0: none)
  std::int64_t parameters = 0;
  std::int64_t train_examples = 0, val_examples = 0, test_examples = 0;
};

// Trains `config` in a new run folder under config.out (or in options.run_dir). The data, the
// model and everything else the config decides are built first: a ConfigError comes before the
// folder is created.
RunOutcome run_experiment(const io::ExperimentConfig& config, const RunOptions& options);

// Continues the run in `folder` from its last checkpoint (state.json), appending to its logs; a
// run stopped before its first checkpoint starts again from epoch 1. Holding the folder's lock
// while it writes, it refuses a folder another process is writing.
RunOutcome resume_experiment(const std::filesystem::path& folder, const RunOptions& options);

}  // namespace nnlab::lab
