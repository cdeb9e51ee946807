#pragma once
// Recording buffer writes so that a computation can be repeated without running its ops again.
// While a Recording is active on a thread, each entry point that writes tensor buffers (the
// elementwise, unary and sum kernels, copies, fills, the backward engine's sums) appends a call
// that repeats its write on the same buffers, and every storage made meanwhile is kept alive
// by the recording. Repeating the calls in order recomputes everything from the current values
// of the buffers that existed before, bit for bit. autograd::GradientReplay is the user.
#include <functional>
#include <vector>

#include "nnlab/core/intrusive_ptr.h"

namespace nnlab::replay {

class Recording {
 public:
  // Starts recording on this thread (a recording already active there pauses until this ends).
  Recording();
  ~Recording();
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  void add(std::function<void()> call) { calls_.push_back(std::move(call)); }
  void keep_alive(const RefCounted* object) { kept_.emplace_back(object); }
  // Ends recording (if not ended) and hands over the calls, in the order they were made.
  std::vector<std::function<void()>> finish();
  // Hands over what must outlive the calls: the storages made while recording.
  std::vector<IntrusivePtr<const RefCounted>> take_kept() { return std::move(kept_); }

 private:
  Recording* previous_ = nullptr;
  bool active_ = true;
  std::vector<std::function<void()>> calls_;
  std::vector<IntrusivePtr<const RefCounted>> kept_;
};

// This thread's active recording, or nullptr. A writer records with
//   if (replay::Recording* recording = replay::active()) recording->add([=] { <the same write> });
// asking first, so that nothing is copied while no recording runs. The call captures what it
// reads and writes by value (pointers, views, handles): it runs after the writer has returned.
Recording* active();

}  // namespace nnlab::replay
