// Dropout layer: ops::dropout with the module's training flag.
#include "nnlab/nn/dropout.h"

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/ops/dropout.h"

namespace nnlab::nn {

Dropout::Dropout(const DropoutOptions& options) : options_(options) {
  NNLAB_CHECK(options.p >= 0.0 && options.p <= 1.0, ValueError, "Dropout: expected p in [0, 1], got {}", options.p);
}

Tensor Dropout::forward(const Tensor& x) {
  Rng& rng = options_.rng != nullptr ? *options_.rng : global_rng();
  return ops::dropout(x, options_.p, is_training(), rng);
}

std::string Dropout::describe() const { return fmt::format("Dropout(p={})", options_.p); }

}  // namespace nnlab::nn
