#pragma once
// Model checkpoints: a module's parameters and buffers (nn::Module::state(), with PyTorch's
// state_dict names) in a safetensors file, so weights move between nnlab and PyTorch.
#include <map>
#include <string>
#include <vector>

#include "nnlab/nn/module.h"
#include "nnlab/optim/optimizer.h"

namespace nnlab::io {

// Writes every parameter and buffer of `model` atomically.
void save_model(const nn::Module& model, const std::string& path, const std::map<std::string, std::string>& metadata = {});

struct LoadReport {
  std::vector<std::string> loaded;      // model tensors filled from the file
  std::vector<std::string> unexpected;  // file tensors the model has no place for (non-strict only)
};

struct LoadOptions {
  bool strict = true;  // the file may hold no tensor the model lacks
  // Name prefixes left out on both sides: the model keeps its own values for them and the
  // file's are ignored (a classifier head replaced for a new number of classes).
  std::vector<std::string> skip_prefixes = {};
};

// Fills the model's parameters and buffers from `path`, converting dtype where they differ.
// Every tensor of the model not skipped must be in the file with the model's shape; with
// `strict`, the file may hold nothing else. Everything is checked before anything is written:
// on an error the model is unchanged. Errors (DataError) name the file and the tensor.
LoadReport load_model(nn::Module& model, const std::string& path, const LoadOptions& options = {});

// Optimiser state (moments, step counts, each group's lr) in its own safetensors file, keyed by
// parameter position (optim::Optimizer::state). Loading validates like load_model.
void save_optimizer(const optim::Optimizer& optimizer, const std::string& path);
void load_optimizer(optim::Optimizer& optimizer, const std::string& path);

}  // namespace nnlab::io
