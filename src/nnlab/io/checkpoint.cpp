#include "nnlab/io/checkpoint.h"

#include <fmt/ranges.h>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::io {

void save_model(const nn::Module& model, const std::string& path, const std::map<std::string, std::string>& metadata) {
  save_safetensors(path, model.state(), metadata);
}

LoadReport load_model(nn::Module& model, const std::string& path, const LoadOptions& options) {
  const SafetensorsFile file = load_safetensors(path);
  const auto skipped = [&](const std::string& name) {
    for (const std::string& prefix : options.skip_prefixes) {
      if (name.starts_with(prefix)) return true;
    }
    return false;
  };
  std::vector<nn::NamedTensor> state = model.state();
  std::erase_if(state, [&](const nn::NamedTensor& named) { return skipped(named.first); });
  LoadReport report;
  for (const auto& [name, target] : state) {
    const auto found = file.tensors.find(name);
    NNLAB_CHECK(found != file.tensors.end(), DataError, "load_model: '{}' has no tensor '{}', which the model needs",
                path, name);
    NNLAB_CHECK(found->second.shape() == target.shape(), DataError,
                "load_model: '{}': tensor '{}' has shape {} in the file, the model expects {}", path, name,
                found->second.shape(), target.shape());
    report.loaded.push_back(name);
  }
  for (const auto& entry : file.tensors) {
    bool known = false;
    for (const auto& named : state) known = known || named.first == entry.first;
    if (!known && !skipped(entry.first)) report.unexpected.push_back(entry.first);
  }
  NNLAB_CHECK(!options.strict || report.unexpected.empty(), DataError,
              "load_model: '{}' holds tensors the model does not have: {}; it was saved from another model than this "
              "one (to start a model from some of a file's tensors, name the file in [model] init_from, which "
              "ignores the others)",
              path, fmt::join(report.unexpected, ", "));
  NoGradGuard no_grad;
  for (const auto& [name, target] : state) copy_into(target, file.tensors.at(name));
  return report;
}

void save_optimizer(const optim::Optimizer& optimizer, const std::string& path) {
  save_safetensors(path, optimizer.state());
}

void load_optimizer(optim::Optimizer& optimizer, const std::string& path) {
  SafetensorsFile file = load_safetensors(path);
  optim::NamedTensors state(file.tensors.begin(), file.tensors.end());
  try {
    optimizer.load_state(state);
  } catch (const DataError& e) {
    NNLAB_CHECK(false, DataError, "load_optimizer: '{}': {}", path, e.what());
  }
}

}  // namespace nnlab::io
