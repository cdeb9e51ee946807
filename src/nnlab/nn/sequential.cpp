// Sequential container.
#include "nnlab/nn/sequential.h"

#include <string>

#include "nnlab/core/check.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/linear.h"

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
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    // Linear then ReLU run as one op, the same bits in fewer passes over the activations.
    auto* linear = dynamic_cast<Linear*>(layers_[i].get());
    if (linear != nullptr && i + 1 < layers_.size() && dynamic_cast<const ReLU*>(layers_[i + 1].get()) != nullptr) {
      out = linear->forward_relu(out);
      ++i;
    } else {
      out = layers_[i]->forward(out);
    }
  }
  return out;
}

Module& Sequential::operator[](std::size_t index) const {
  NNLAB_CHECK(index < layers_.size(), ValueError, "Sequential: expected an index below {}, got {}", layers_.size(),
              index);
  return *layers_[index];
}

}  // namespace nnlab::nn
