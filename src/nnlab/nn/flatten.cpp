// Flatten layer: one call to ops::flatten.
#include "nnlab/nn/flatten.h"

#include <fmt/format.h>

#include "nnlab/ops/shape_ops.h"

namespace nnlab::nn {

Tensor Flatten::forward(const Tensor& x) { return ops::flatten(x, options_.start_dim, options_.end_dim); }

std::string Flatten::describe() const {
  return fmt::format("Flatten(start_dim={}, end_dim={})", options_.start_dim, options_.end_dim);
}

}  // namespace nnlab::nn
