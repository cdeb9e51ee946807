#pragma once
// Ctrl-C (SIGINT) and SIGTERM as a request to stop at the next safe point instead of a kill:
// a training loop polls interrupt_requested() between steps and winds down cleanly (logs
// flushed, summary written, exit 130). A second signal of the same kind kills at once, as a
// user pressing Ctrl-C twice expects.
namespace nnlab {

// While alive, SIGINT and SIGTERM set the request (cleared when the scope begins) instead of
// ending the process; the handlers that were there before come back when it is destroyed. One
// at a time.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

bool interrupt_requested();
// The signal that asked (SIGINT or SIGTERM); 0 while none has.
int interrupt_signal();
// Sets the request as a signal would (tests, and callers that stop for their own reasons).
void request_interrupt(int signal_number);
// Forgets a request that has been handled.
void clear_interrupt();

}  // namespace nnlab
