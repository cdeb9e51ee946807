#pragma once
// A sweep's trials as child processes: `nnlab train ...` started with its output going to a log
// file, and waited for one at a time as they end.
#include <signal.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::lab {

// Starts `binary args...` with stdout and stderr appended to `log` (or this process's own when
// `log` is empty); returns its process id.
// Throws IoError naming the binary or the log when either cannot be used.
pid_t start_process(const std::filesystem::path& binary, const std::vector<std::string>& args,
                    const std::filesystem::path& log);

struct ProcessEnd {
  pid_t pid = 0;
  int status = 0;            // the exit status, or 128 + the signal that ended it
  bool interrupted = false;  // the wait itself was cut short by a signal (pid is 0 then)
};

// Waits for any child to end. A signal arriving meanwhile (Ctrl-C) ends the wait with
// `interrupted` set, so the caller can stop starting trials.
ProcessEnd wait_for_any_process();

// A child that has ended, without waiting: pid 0 when none has.
ProcessEnd poll_any_process();

// Ctrl-C (SIGINT) or SIGTERM while it lives is noted, not fatal, so that a sweep or an
// experiment can stop starting processes and let the running ones end. From a terminal the
// children get Ctrl-C too; under mpirun, which signals the ranks alone, the ranks pass it on.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};
// Whether a signal came since the last InterruptGuard was made.
bool interrupt_requested();

// The path of the running executable (to start trials with the same nnlab).
std::filesystem::path this_executable();

}  // namespace nnlab::lab
