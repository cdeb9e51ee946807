#include "nnlab/autograd/gradient_replay.h"

#include "nnlab/core/check.h"

namespace nnlab::autograd {

GradientReplay::GradientReplay(const std::function<Tensor()>& f) {
  replay::Recording recording;
  const Tensor value = f();
  NNLAB_CHECK(value.defined() && value.numel() == 1, ShapeError,
              "GradientReplay: the function must return one value, got shape {}",
              value.defined() ? value.shape() : Shape{});
  NNLAB_CHECK(value.requires_grad(), NotReplayableError,
              "GradientReplay: the function's value depends on no tensor that requires grad: nothing to capture");
  value.backward();
  calls_ = recording.finish();
  buffers_ = recording.take_kept();
  value_ = value.detach();
}

const Tensor& GradientReplay::replay() {
  // The calls repeat raw writes, not the recorded entry points: another recording would miss them.
  NNLAB_CHECK(replay::active() == nullptr, NotReplayableError, "GradientReplay: cannot replay while a capture runs");
  for (const std::function<void()>& call : calls_) call();
  return value_;
}

}  // namespace nnlab::autograd
