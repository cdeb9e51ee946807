#include "nnlab/core/replay.h"

namespace nnlab::replay {
namespace {
thread_local Recording* t_active = nullptr;
}  // namespace

Recording::Recording() : previous_(t_active) { t_active = this; }

Recording::~Recording() { finish(); }

std::vector<std::function<void()>> Recording::finish() {
  if (active_) {
    t_active = previous_;
    active_ = false;
  }
  return std::move(calls_);
}

Recording* active() { return t_active; }

}  // namespace nnlab::replay
