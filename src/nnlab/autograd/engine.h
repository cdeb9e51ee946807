#pragma once
// The backward engine: walks the graph from a root in reverse topological order (iteratively,
// so a 1000-layer network cannot overflow the stack) and accumulates gradients into the
// .grad of every leaf that requires grad.
#include "nnlab/tensor/tensor.h"

namespace nnlab::autograd {

// grad_root must have root's shape; it may be undefined only when root has one element
// (then it is 1). Unless retain_graph, the graph is freed: a second backward through it throws.
void backward(const Tensor& root, const Tensor& grad_root = Tensor(), bool retain_graph = false);

}  // namespace nnlab::autograd
