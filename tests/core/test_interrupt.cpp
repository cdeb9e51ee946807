// InterruptScope turns SIGINT / SIGTERM into a request that training polls, once; the second
// signal takes its default action again.
#include <gtest/gtest.h>

#include <csignal>

#include "nnlab/core/interrupt.h"

namespace nnlab {
namespace {

int caught = 0;
extern "C" void count_signal(int /*signal_number*/) { ++caught; }

}  // namespace

TEST(Interrupt, SignalBecomesARequestAndTheHandlerBeforeComesBack) {
  caught = 0;
  std::signal(SIGINT, count_signal);
  {
    const InterruptScope scope;
    EXPECT_FALSE(interrupt_requested());
    std::raise(SIGINT);  // the process lives on
    EXPECT_TRUE(interrupt_requested());
    EXPECT_EQ(interrupt_signal(), SIGINT);
  }
  EXPECT_EQ(caught, 0);
  std::raise(SIGINT);  // the handler from before the scope is back
  EXPECT_EQ(caught, 1);
  std::signal(SIGINT, SIG_DFL);
  clear_interrupt();
}

TEST(Interrupt, SigtermIsARequestAndAScopeStartsClean) {
  request_interrupt(SIGINT);
  const InterruptScope scope;
  EXPECT_FALSE(interrupt_requested());
  std::raise(SIGTERM);
  EXPECT_EQ(interrupt_signal(), SIGTERM);
  clear_interrupt();
}

TEST(InterruptDeathTest, SecondSignalKills) {
  EXPECT_EXIT(
      {
        const InterruptScope scope;
        std::raise(SIGINT);
        std::raise(SIGINT);
      },
      ::testing::KilledBySignal(SIGINT), "");
}

}  // namespace nnlab
