#pragma once
// How a loss combines its per-sample (or per-element) values: PyTorch's `reduction` argument.
namespace nnlab::ops {

enum class Reduction {
  none,  // the unreduced losses, one per sample / element
  mean,  // their mean: PyTorch's default
  sum,   // their sum
};

}  // namespace nnlab::ops
