#pragma once
// Graph nodes. An op that records history allocates one <Op>Backward node per call; the node
// saves what its backward needs and points at the nodes (or leaves) that made its inputs.
//
// Contract: backward(grad_out, grads) *writes* one gradient per input i with grads.wants(i),
// of that input's shape and dtype, via grads.output(i) or grads.set(i, ...). The engine *adds*
// it into that input's accumulated gradient. backward runs with grad mode off.
// grad_out is always contiguous, and so is every leaf's .grad.
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/object_pool.h"
#include "nnlab/core/replay.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::autograd {

class Node;

// Where the gradient of one input goes: the node that produced it, or the leaf tensor that
// accumulates it in .grad, or nowhere (the input does not require grad).
struct Edge {
  IntrusivePtr<Node> node;
  IntrusivePtr<TensorImpl> leaf;
  Shape shape;  // the input's shape and dtype: what its gradient must look like
  DType dtype = DType::f32;
  bool active() const { return node || leaf; }
};

class GradSink {
 public:
  GradSink(const Node& node, std::vector<Tensor>& slots);
  bool wants(int input) const;
  // A fresh uninitialised tensor of input `input`'s shape and dtype, to be fully written.
  const Tensor& output(int input);
  // Hands over a computed gradient; it must have the input's shape and dtype.
  void set(int input, Tensor grad);

 private:
  const Node& node_;
  std::vector<Tensor>& slots_;
};

class Node : public GradFn {
 public:
  ~Node() override;
  virtual std::string_view name() const = 0;
  virtual void backward(const Tensor& grad_out, GradSink& grads) = 0;

  using Edges = std::vector<Edge, pool::Allocator<Edge>>;
  const Edges& edges() const { return edges_; }

 private:
  friend class Engine;
  template <typename NodeT>
  friend NodeT& record(const Tensor& out, std::span<const Tensor> inputs);

  Edges edges_;
  bool released_ = false;  // backward ran without retain_graph
  // Engine scratch, valid only during one backward pass.
  Tensor grad_accum_;
  int pending_ = 0;
  std::uint64_t visit_pass_ = 0;
};

// A node type whose op and backward write tensor buffers only through the entry points a
// replay::Recording sees (core/replay.h) says `static constexpr bool kReplayable = true;`.
// Only such ops may record while a GradientReplay captures (gradient_replay.h).
template <typename NodeT>
concept Replayable = NodeT::kReplayable;

// Throws NotReplayableError naming the op: it recorded while a capture was running.
[[noreturn]] void refuse_capture(std::string_view op);

// True when grad mode is on and any input requires grad: then the op must record.
bool should_record(std::span<const Tensor> inputs);
inline bool should_record(std::initializer_list<Tensor> inputs) {
  return should_record(std::span<const Tensor>(inputs.begin(), inputs.size()));
}

// Creates a NodeT for `out`, wires an edge to each input (in order: input i of the node is
// the i-th tensor here) and makes it out's grad_fn. Returns the node so the op can save state.
template <typename NodeT>
NodeT& record(const Tensor& out, std::span<const Tensor> inputs) {
  auto node = make_intrusive<NodeT>();
  if constexpr (!Replayable<NodeT>) {
    if (replay::active() != nullptr) refuse_capture(node->name());
  }
  node->edges_.reserve(inputs.size());
  for (const Tensor& input : inputs) {
    Edge edge;
    if (input.defined()) {
      edge.shape = input.shape();
      edge.dtype = input.dtype();
      if (input.grad_fn() != nullptr) {
        edge.node = IntrusivePtr<Node>(static_cast<Node*>(input.grad_fn()));
      } else if (input.requires_grad()) {
        edge.leaf = IntrusivePtr<TensorImpl>(input.impl());
      }
    }
    node->edges_.push_back(std::move(edge));
  }
  out.set_grad_fn(node);
  return *node;
}

template <typename NodeT>
NodeT& record(const Tensor& out, std::initializer_list<Tensor> inputs) {
  return record<NodeT>(out, std::span<const Tensor>(inputs.begin(), inputs.size()));
}

}  // namespace nnlab::autograd
