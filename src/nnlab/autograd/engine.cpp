#include "nnlab/autograd/engine.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/core/replay.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::autograd {

namespace {

// True when `t` is the only handle to its tensor and no view shares its buffer: writing into
// it then changes nothing anyone else can see.
bool exclusive(const Tensor& t) { return t.impl()->ref_count() == 1 && t.impl()->storage->ref_count() == 1; }

template <typename T>
void add_contiguous(const Tensor& a, const Tensor& b, const Tensor& out) {
  const T* x = a.data<T>();
  const T* y = b.data<T>();
  T* z = out.data<T>();
  for (std::int64_t i = 0, n = out.numel(); i < n; ++i) z[i] = x[i] + y[i];
}

// out = a + b, all contiguous, of one shape and floating dtype.
void add_into(const Tensor& a, const Tensor& b, const Tensor& out) {
  if (out.dtype() == DType::f32)
    add_contiguous<float>(a, b, out);
  else
    add_contiguous<double>(a, b, out);
}

// a + b, in a's buffer when a is exclusive, else in a new tensor: a gradient that two inputs
// share (add passes grad_out through) must never change behind the other's back.
Tensor sum_of(Tensor a, const Tensor& b) {
  const Tensor out = exclusive(a) && a.is_contiguous() ? a : Tensor::empty(a.shape(), a.dtype());
  const Tensor x = contiguous(a), y = contiguous(b);
  add_into(x, y, out);
  if (replay::Recording* recording = replay::active()) recording->add([x, y, out] { add_into(x, y, out); });
  return out;
}

// A replay repeats the assignment too: zero_grad() between replays drops .grad.
void set_leaf_grad(TensorImpl& leaf, const Tensor& grad) {
  leaf.grad = IntrusivePtr<TensorImpl>(grad.impl());
  if (replay::Recording* recording = replay::active())
    recording->add(
        [leaf = IntrusivePtr<TensorImpl>(&leaf), grad] { leaf->grad = IntrusivePtr<TensorImpl>(grad.impl()); });
}

// `written_this_pass`: this backward pass already set leaf.grad (a leaf reached twice).
void accumulate_into_leaf(TensorImpl& leaf, Tensor grad, bool written_this_pass) {
  if (leaf.grad) {
    // A replay stands for zero_grad() + backward(): what was there before the capture is not its to add.
    NNLAB_CHECK(written_this_pass || replay::active() == nullptr, NotReplayableError,
                "GradientReplay: a parameter had a gradient when the capture began; call zero_grad() first");
    set_leaf_grad(leaf, sum_of(Tensor(std::move(leaf.grad)), grad));
    return;
  }
  // A leaf's .grad is the user's to change in place (clipping, optimisers), so it must not
  // share storage with anything else.
  set_leaf_grad(leaf, exclusive(grad) && grad.is_contiguous() ? grad : clone(grad));
}

}  // namespace

// The engine's work lists, kept per thread between passes so that a small graph's backward
// allocates none. A pass takes them (moves them out) and gives them back, so a nested pass
// simply starts with empty ones.
struct Scratch {
  std::vector<IntrusivePtr<Node>> ready;
  std::vector<Tensor> slots;
  std::vector<Node*> stack;
  std::vector<const TensorImpl*> leaves_written;  // while capturing only
};
thread_local Scratch t_scratch;

class ScratchLease {
 public:
  ScratchLease() : scratch_(std::move(t_scratch)) {}
  ~ScratchLease() {
    scratch_.ready.clear();
    scratch_.slots.clear();
    scratch_.stack.clear();
    scratch_.leaves_written.clear();
    t_scratch = std::move(scratch_);
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  Scratch* operator->() { return &scratch_; }

 private:
  Scratch scratch_;
};

class Engine {
 public:
  static void run(const Tensor& root, Tensor grad_root, bool retain_graph) {
    ScratchLease scratch;
    Node* root_node = static_cast<Node*>(root.grad_fn());
    count_incoming_edges(root_node, scratch->stack);
    root_node->grad_accum_ = std::move(grad_root);
    // Owning handles: clearing a finished node's edges may drop the last other reference.
    std::vector<IntrusivePtr<Node>>& ready = scratch->ready;
    ready.emplace_back(root_node);
    std::vector<Tensor>& slots = scratch->slots;
    NoGradGuard no_grad;
    while (!ready.empty()) {
      const IntrusivePtr<Node> node = std::move(ready.back());
      ready.pop_back();
      NNLAB_CHECK(!node->released_, Error,
                  "backward: the graph through '{}' was already freed by an earlier backward(); pass "
                  "retain_graph=true to the first call to run backward twice",
                  node->name());
      const Tensor grad_out = std::move(node->grad_accum_);
      node->grad_accum_ = Tensor();
      slots.assign(node->edges_.size(), Tensor());
      GradSink sink(*node, slots);
      node->backward(grad_out, sink);
      for (std::size_t i = 0; i < node->edges_.size(); ++i) {
        Edge& edge = node->edges_[i];
        if (!edge.active()) continue;
        NNLAB_CHECK(slots[i].defined(), InternalError, "{} backward: no gradient written for input {}", node->name(),
                    i);
        if (edge.leaf) {
          accumulate_into_leaf(*edge.leaf, std::move(slots[i]),
                               written_before(edge.leaf.get(), scratch->leaves_written));
          continue;
        }
        Node* next = edge.node.get();
        Tensor& grad = slots[i];
        if (next->grad_accum_.defined()) {
          next->grad_accum_ = sum_of(std::move(next->grad_accum_), grad);
        } else {
          next->grad_accum_ = grad.is_contiguous() ? std::move(grad) : clone(grad);
        }
        if (--next->pending_ == 0) ready.push_back(edge.node);
      }
      if (!retain_graph) {
        node->released_ = true;
        node->edges_.clear();  // drops the parents, and with them their saved tensors
      }
    }
  }

 private:
  // Whether `leaf` got its gradient earlier in this pass; only a capture needs to know.
  static bool written_before(const TensorImpl* leaf, std::vector<const TensorImpl*>& written) {
    if (replay::active() == nullptr) return false;
    if (std::find(written.begin(), written.end(), leaf) != written.end()) return true;
    written.push_back(leaf);
    return false;
  }

  // Sets pending_ of every node reachable from root to its number of incoming edges, so a
  // node runs only after all its consumers have sent their gradients.
  static void count_incoming_edges(Node* root, std::vector<Node*>& stack) {
    static std::atomic<std::uint64_t> pass_counter{0};
    const std::uint64_t pass = ++pass_counter;
    root->visit_pass_ = pass;
    root->pending_ = 0;
    stack.push_back(root);
    while (!stack.empty()) {
      Node* node = stack.back();
      stack.pop_back();
      for (const Edge& edge : node->edges_) {
        Node* next = edge.node.get();
        if (next == nullptr) continue;
        if (next->visit_pass_ != pass) {
          next->visit_pass_ = pass;
          next->pending_ = 0;
          next->grad_accum_ = Tensor();
          stack.push_back(next);
        }
        ++next->pending_;
      }
    }
  }
};

void backward(const Tensor& root, const Tensor& grad_root, bool retain_graph) {
  NNLAB_CHECK(root.defined(), ValueError, "backward: called on an undefined tensor");
  NNLAB_CHECK(root.requires_grad(), ValueError,
              "backward: the tensor does not require grad and has no grad_fn (did every input have "
              "requires_grad off, or was it computed under NoGradGuard?)");
  Tensor grad = grad_root;
  if (!grad.defined()) {
    NNLAB_CHECK(root.numel() == 1, ShapeError,
                "backward: a gradient can be implied only for a one-element output, got shape {}; pass grad",
                root.shape());
    grad = Tensor::ones(root.shape(), root.dtype());
  }
  NNLAB_CHECK(grad.shape() == root.shape() && grad.dtype() == root.dtype(), ShapeError,
              "backward: grad must be {} {} like the output, got {} {}", root.shape(), root.dtype(), grad.shape(),
              grad.dtype());
  if (root.is_leaf()) {
    accumulate_into_leaf(*root.impl(), clone(grad), /*written_this_pass=*/false);
    return;
  }
  Engine::run(root, contiguous(grad), retain_graph);
}

bool should_record(std::span<const Tensor> inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs) {
    if (t.defined() && t.requires_grad()) return true;
  }
  return false;
}

}  // namespace nnlab::autograd

namespace nnlab {

void Tensor::backward(const Tensor& grad, bool retain_graph) const { autograd::backward(*this, grad, retain_graph); }

}  // namespace nnlab
