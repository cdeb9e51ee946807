#pragma once
// A function of parameters and its gradient, evaluated once and then repeated without its ops.
//
//   autograd::GradientReplay step([&] { return rosenbrock(p); });  // f() and backward(), once
//   for (...) { optimizer.zero_grad(); step.replay(); optimizer.step(); }
//
// The constructor runs f() and backward() eagerly, exactly as without it, while a
// replay::Recording (core/replay.h) takes down every write into a tensor buffer. replay()
// repeats those writes in order on the same buffers: value() and each parameter's .grad become
// what f() + backward() would give at the parameters' current values, bit for bit (at the same
// thread count), without making a tensor or a graph node. A step of a small function then costs
// its kernels' arithmetic and little else.
//
// What f may do:
// - record only ops whose node type is Replayable (node.h): arithmetic with tensors or scalars,
//   unary math and activations, views, reshapes, copies, broadcasting. Any other op that
//   records makes the constructor throw NotReplayableError (before any replay), and so does a
//   value that depends on no parameter: evaluate such a function eagerly instead;
// - read parameters that change in place between replays (as optimisers update them); a tensor
//   that f makes without them (a constant) is computed once, at capture.
// f must read nothing else that changes and must compute from its parameters with grad mode on
// (an op under NoGradGuard records no node, so nothing checks it), its parameters must have no
// .grad when the capture starts (replay() stands for zero_grad() + backward()), and they must
// outlive the object.
#include <functional>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/core/replay.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::autograd {

class GradientReplay {
 public:
  // Evaluates f() (one element) and its backward, recording them.
  explicit GradientReplay(const std::function<Tensor()>& f);

  // Recomputes value() and the parameters' .grad from the parameters' current values.
  const Tensor& replay();
  // f's value from the last evaluation (the capture or the last replay); it has no grad_fn.
  const Tensor& value() const { return value_; }

 private:
  Tensor value_;
  std::vector<std::function<void()>> calls_;
  std::vector<IntrusivePtr<const RefCounted>> buffers_;  // what calls_ write and read
};

}  // namespace nnlab::autograd
