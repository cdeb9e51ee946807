#pragma once
// Module: the base of every layer and model, as torch.nn.Module. Parameters, buffers and
// child modules are registered by name, so named_parameters() gives dotted names equal to
// PyTorch's state_dict keys ("layers.0.weight") and checkpoints move between the two.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::nn {

using NamedTensor = std::pair<std::string, Tensor>;

class Module {
 public:
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  virtual ~Module() = default;

  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }

  // One line naming the layer and its options, e.g. "Linear(in_features=784, out_features=10, bias=true)".
  virtual std::string describe() const = 0;

  // Every parameter of this module and its descendants, depth first, in registration order.
  std::vector<NamedTensor> named_parameters() const;
  std::vector<Tensor> parameters() const;
  std::vector<NamedTensor> named_buffers() const;  // running statistics and other state
  // Parameters and buffers together: what a checkpoint holds (PyTorch's state_dict).
  std::vector<NamedTensor> state() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const { return children_; }

  // Number of parameter elements (trainable only, or all).
  std::int64_t parameter_count(bool trainable_only = false) const;

  // Training mode (dropout active, BatchNorm uses batch statistics) for this module and
  // every descendant.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Turns gradients off (freeze) or on for every parameter whose dotted name starts with
  // `prefix` ("" = all). Returns how many parameters matched; 0 is a ValueError.
  int freeze(const std::string& prefix = "");
  int unfreeze(const std::string& prefix = "");

  // The module tree, one line per module, indented: a readable model printout.
  std::string to_string() const;

 protected:
  Tensor register_parameter(const std::string& name, Tensor value);
  Tensor register_buffer(const std::string& name, Tensor value);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    check_new_name(name);
    children_.emplace_back(name, module);
    return module;
  }

 private:
  void check_new_name(const std::string& name) const;
  int set_requires_grad(const std::string& prefix, bool on, const char* where);
  void collect(const std::string& prefix, bool parameters, bool buffers, std::vector<NamedTensor>& out) const;
  void append_tree(const std::string& name, int depth, std::string& out) const;

  std::vector<NamedTensor> parameters_;
  std::vector<NamedTensor> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace nnlab::nn
