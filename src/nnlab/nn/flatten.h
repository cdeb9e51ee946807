#pragma once
// Flatten: merges dims start_dim..end_dim into one, as torch.nn.Flatten (defaults keep the batch dim).
#include <cstdint>

#include "nnlab/nn/module.h"

namespace nnlab::nn {

struct FlattenOptions {
  std::int64_t start_dim = 1;
  std::int64_t end_dim = -1;
};

// (N, C, H, W) -> (N, C·H·W) with the defaults. https://pytorch.org/docs/stable/generated/torch.nn.Flatten.html
class Flatten final : public Module {
 public:
  explicit Flatten(const FlattenOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

 private:
  FlattenOptions options_;
};

}  // namespace nnlab::nn
