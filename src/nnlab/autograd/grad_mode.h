#pragma once
// Whether ops record a graph on this thread. Off inside NoGradGuard, inside backward and in
// optimiser steps.
namespace nnlab::autograd {

bool grad_enabled();
void set_grad_enabled(bool enabled);

// Turns recording off for its lifetime (like torch.no_grad()), restoring the previous mode.
class NoGradGuard {
 public:
  NoGradGuard() : previous_(grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace nnlab::autograd

namespace nnlab {
using autograd::NoGradGuard;
}
