#include "nnlab/core/interrupt.h"

#include <csignal>

#include <atomic>

#include "nnlab/core/check.h"

namespace nnlab {
namespace {

// Lock-free, so setting it from a signal handler is safe.
std::atomic<int> requested_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

struct sigaction previous_int {}, previous_term {};
bool installed = false;

extern "C" void on_interrupt(int signal_number) { requested_signal.store(signal_number, std::memory_order_relaxed); }

}  // namespace

InterruptScope::InterruptScope() {
  NNLAB_CHECK(!installed, InternalError, "InterruptScope: one is alive already");
  clear_interrupt();  // a request from before the scope was handled (or ignored) by someone else
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // the handler runs once: the second signal takes the default action
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
  installed = true;
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
  installed = false;
}

bool interrupt_requested() { return requested_signal.load(std::memory_order_relaxed) != 0; }
int interrupt_signal() { return requested_signal.load(std::memory_order_relaxed); }
void request_interrupt(int signal_number) { requested_signal.store(signal_number, std::memory_order_relaxed); }
void clear_interrupt() { requested_signal.store(0, std::memory_order_relaxed); }

}  // namespace nnlab
