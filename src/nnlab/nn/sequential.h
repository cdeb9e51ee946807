#pragma once
// Sequential: a chain of modules applied in order, as torch.nn.Sequential. Children are named
// "0", "1", ..., so parameter names read "0.weight", "2.bias" as in PyTorch.
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <vector>

#include "nnlab/nn/module.h"

namespace nnlab::nn {

class Sequential final : public Module {
 public:
  Sequential() = default;
  Sequential(std::initializer_list<std::shared_ptr<Module>> layers);

  // Appends a layer named by its position. Throws ValueError for a null module.
  void push_back(std::shared_ptr<Module> layer);
  template <typename M>
  std::shared_ptr<M> add(std::shared_ptr<M> layer) {
    push_back(layer);
    return layer;
  }

  Tensor forward(const Tensor& x) override;  // the identity when empty
  std::string describe() const override { return "Sequential"; }

  std::size_t size() const { return layers_.size(); }
  bool empty() const { return layers_.empty(); }
  // The layer at `index`; throws ValueError when out of range.
  Module& operator[](std::size_t index) const;
  const std::vector<std::shared_ptr<Module>>& layers() const { return layers_; }

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};

}  // namespace nnlab::nn
