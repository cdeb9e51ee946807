#pragma once
// A training checkpoint: model.safetensors, optimizer.safetensors and state.json in a run
// folder, committed as one set. The new model and optimiser go to *.next files first; then
// state.json, which records each file's size and CRC-32, is replaced atomically (the commit);
// then the *.next files take their final names. A writer killed at any point leaves either the
// previous set or the new one recoverable: open_checkpoint rolls an interrupted commit forward
// or back and refuses, naming the file, a set that matches neither.
#include <cstdint>
#include <optional>

#include "nnlab/io/run_folder.h"
#include "nnlab/nn/module.h"
#include "nnlab/optim/optimizer.h"

namespace nnlab::io {

// Where a run stands after a checkpoint.
struct CheckpointState {
  std::int64_t epoch = 0;  // epochs completed
  std::int64_t steps = 0;  // optimiser steps completed
};

void write_checkpoint(const RunFolder& folder, const nn::Module& model, const optim::Optimizer& optimizer,
                      CheckpointState state);

// The run's last committed checkpoint, after finishing or undoing a commit a killed writer left
// half done (and removing its temporary files); nullopt if the run has none yet. Throws
// DataError naming the file when state.json is damaged or a file does not match it. The caller
// must hold the folder's lock (RunFolderLock): nobody else may be writing the set.
std::optional<CheckpointState> open_checkpoint(const RunFolder& folder);

// Test hook: with NNLAB_KILL_AT_CHECKPOINT_OP=N in the environment, the process kills itself
// (SIGKILL) right after the Nth file operation of checkpoint writing, counted over the
// process's checkpoints, so that a test can stop a writer at every point in turn.
void checkpoint_crash_point();

}  // namespace nnlab::io
