// Sequential container.
#include "nnlab/nn/sequential.h"

#include <string>

#include "nnlab/core/check.h"

namespace nnlab::nn {

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> layers) {
  for (const auto& layer : layers) push_back(layer);
}

void Sequential::push_back(std::shared_ptr<Module> layer) {
  NNLAB_CHECK(layer != nullptr, ValueError, "Sequential: expected a module at index {}, got null", layers_.size());
  register_module(std::to_string(layers_.size()), layer);
  layers_.push_back(std::move(layer));
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor out = x;
  for (const auto& layer : layers_) out = layer->forward(out);
  return out;
}

Module& Sequential::operator[](std::size_t index) const {
  NNLAB_CHECK(index < layers_.size(), ValueError, "Sequential: expected an index below {}, got {}", layers_.size(),
              index);
  return *layers_[index];
}

}  // namespace nnlab::nn
