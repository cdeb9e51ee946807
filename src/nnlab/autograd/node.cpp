#include "nnlab/autograd/node.h"

#include "nnlab/core/check.h"

namespace nnlab::autograd {

GradSink::GradSink(const Node& node, std::vector<Tensor>& slots) : node_(node), slots_(slots) {}

bool GradSink::wants(int input) const { return node_.edges()[input].active(); }

const Tensor& GradSink::output(int input) {
  const Edge& edge = node_.edges()[input];
  slots_[input] = Tensor::empty(edge.shape, edge.dtype);
  return slots_[input];
}

void GradSink::set(int input, Tensor grad) {
  const Edge& edge = node_.edges()[input];
  NNLAB_CHECK(grad.shape() == edge.shape && grad.dtype() == edge.dtype, InternalError,
              "{} backward: gradient for input {} must be {} {}, got {} {}", node_.name(), input, edge.shape,
              edge.dtype, grad.shape(), grad.dtype());
  slots_[input] = std::move(grad);
}

void refuse_capture(std::string_view op) {
  throw NotReplayableError(fmt::format(
      "GradientReplay: cannot capture op '{}': only elementwise, unary, reduction-to-shape and view ops replay; "
      "evaluate this function eagerly",
      op));
}

Node::~Node() {
  // Free a long chain of nodes with a loop, not recursion: a 10^5-op graph would otherwise
  // overflow the stack when its last tensor goes away.
  std::vector<IntrusivePtr<Node>> doomed;
  const auto take_sole_owned = [&doomed](Edges& edges) {
    for (Edge& edge : edges) {
      if (edge.node && edge.node->ref_count() == 1) doomed.push_back(std::move(edge.node));
    }
    edges.clear();
  };
  take_sole_owned(edges_);
  while (!doomed.empty()) {
    IntrusivePtr<Node> node = std::move(doomed.back());
    doomed.pop_back();
    take_sole_owned(node->edges_);
  }  // `node` dies here with no edges left, so its destructor does not recurse
}

}  // namespace nnlab::autograd
