// The outputs before a network's final Linear layer; see frozen_features.h.
#include "nnlab/analysis/frozen_features.h"

#include <fmt/format.h>

#include "nnlab/analysis/model_outputs.h"
#include "nnlab/core/check.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/resnet.h"
#include "nnlab/nn/sequential.h"

namespace nnlab::analysis {
namespace {

// The index of a Sequential's last Linear layer.
std::size_t head_index(const nn::Sequential& sequential) {
  for (std::size_t i = sequential.size(); i-- > 0;) {
    if (dynamic_cast<const nn::Linear*>(sequential.layers()[i].get()) != nullptr) return i;
  }
  throw ValueError(
      fmt::format("frozen_features: expected a Sequential with a Linear layer (the head), got one of "
                  "{} layers without any",
                  sequential.size()));
}

// The model without its head, as a module that outputs_in_batches can run. It does not own or
// register the model: the caller keeps the model alive and sets its mode.
class WithoutHead final : public nn::Module {
 public:
  explicit WithoutHead(nn::Module& model) {
    resnet_ = dynamic_cast<nn::ResNet*>(&model);
    sequential_ = dynamic_cast<nn::Sequential*>(&model);
    NNLAB_CHECK(resnet_ != nullptr || sequential_ != nullptr, ValueError,
                "frozen_features: expected a ResNet or a Sequential ending in a Linear layer, got {}",
                model.describe());
    if (sequential_ != nullptr) head_ = head_index(*sequential_);
  }

  Tensor forward(const Tensor& x) override {
    if (resnet_ != nullptr) return resnet_->features(x);
    Tensor out = x;
    for (std::size_t i = 0; i < head_; ++i) out = sequential_->layers()[i]->forward(out);
    return out;
  }

  std::string describe() const override {
    if (resnet_ != nullptr) return "the pooled output of layer4, the input of fc";
    if (head_ == 0) return "its inputs (its first layer is the Linear head)";
    return fmt::format("the output of layers 0..{}, before the Linear layer {}", head_ - 1, head_);
  }

 private:
  nn::ResNet* resnet_ = nullptr;
  nn::Sequential* sequential_ = nullptr;
  std::size_t head_ = 0;
};

}  // namespace

Tensor frozen_features(nn::Module& model, const Tensor& inputs, std::int64_t batch_size) {
  WithoutHead body(model);
  EvalModeScope eval_mode(model);  // outputs_in_batches switches only `body`, which holds no layers
  return outputs_in_batches(body, inputs, batch_size);
}

std::string frozen_features_source(nn::Module& model) { return WithoutHead(model).describe(); }

}  // namespace nnlab::analysis
