#include "nnlab/nn/module.h"

#include "nnlab/core/check.h"

namespace nnlab::nn {

Tensor Module::register_parameter(const std::string& name, Tensor value) {
  check_new_name(name);
  NNLAB_CHECK(value.defined() && is_floating(value.dtype()), DTypeError,
              "register_parameter: '{}' must be a float32 or float64 tensor", name);
  value.requires_grad_(true);
  parameters_.emplace_back(name, value);
  return value;
}

Tensor Module::register_buffer(const std::string& name, Tensor value) {
  check_new_name(name);
  buffers_.emplace_back(name, value);
  return value;
}

void Module::check_new_name(const std::string& name) const {
  NNLAB_CHECK(!name.empty() && name.find('.') == std::string::npos, ValueError,
              "{}: a parameter, buffer or child name must be non-empty and contain no '.', got '{}'", describe(), name);
  const auto taken = [&](const auto& list) {
    for (const auto& entry : list) {
      if (entry.first == name) return true;
    }
    return false;
  };
  NNLAB_CHECK(!taken(parameters_) && !taken(buffers_) && !taken(children_), ValueError,
              "{}: the name '{}' is already registered", describe(), name);
}

void Module::collect(const std::string& prefix, bool parameters, bool buffers, std::vector<NamedTensor>& out) const {
  if (parameters) {
    for (const auto& [name, t] : parameters_) out.emplace_back(prefix + name, t);
  }
  if (buffers) {
    for (const auto& [name, t] : buffers_) out.emplace_back(prefix + name, t);
  }
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", parameters, buffers, out);
}

std::vector<NamedTensor> Module::named_parameters() const {
  std::vector<NamedTensor> out;
  collect("", true, false, out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& entry : named_parameters()) out.push_back(std::move(entry.second));
  return out;
}

std::vector<NamedTensor> Module::named_buffers() const {
  std::vector<NamedTensor> out;
  collect("", false, true, out);
  return out;
}

std::vector<NamedTensor> Module::state() const {
  std::vector<NamedTensor> out;
  collect("", true, true, out);
  return out;
}

std::int64_t Module::parameter_count(bool trainable_only) const {
  std::int64_t count = 0;
  for (const auto& entry : named_parameters()) {
    if (!trainable_only || entry.second.requires_grad()) count += entry.second.numel();
  }
  return count;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& entry : children_) entry.second->train(on);
}

int Module::set_requires_grad(const std::string& prefix, bool on, const char* where) {
  int matched = 0;
  // "layer1" matches layer1 and layer1.*, never layer10.*
  const bool dotted = !prefix.empty() && prefix.back() == '.';
  for (auto& [name, t] : named_parameters()) {
    const bool under = name.compare(0, prefix.size(), prefix) == 0 &&
                       (prefix.empty() || dotted || name.size() == prefix.size() || name[prefix.size()] == '.');
    if (!under) continue;
    t.requires_grad_(on);
    ++matched;
  }
  NNLAB_CHECK(matched > 0, ValueError, "{}: no parameter name starts with '{}'", where, prefix);
  return matched;
}

int Module::freeze(const std::string& prefix) { return set_requires_grad(prefix, false, "freeze"); }
int Module::unfreeze(const std::string& prefix) { return set_requires_grad(prefix, true, "unfreeze"); }

void Module::append_tree(const std::string& name, int depth, std::string& out) const {
  out += std::string(static_cast<std::size_t>(2 * depth), ' ');
  if (!name.empty()) out += "(" + name + "): ";
  out += describe() + "\n";
  for (const auto& [child_name, child] : children_) child->append_tree(child_name, depth + 1, out);
}

std::string Module::to_string() const {
  std::string out;
  append_tree("", 0, out);
  return out;
}

}  // namespace nnlab::nn
