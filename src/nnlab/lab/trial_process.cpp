#include "nnlab/lab/trial_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "nnlab/core/check.h"

extern char** environ;

namespace nnlab::lab {

pid_t start_process(const std::filesystem::path& binary, const std::vector<std::string>& args,
                    const std::filesystem::path& log) {
  const int fd = log.empty() ? -1 : ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  NNLAB_CHECK(log.empty() || fd >= 0, IoError, "cannot open the log '{}': {}", log.string(), std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fd, STDERR_FILENO);
  }
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> argv_text = {binary.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (fd >= 0) ::close(fd);
  NNLAB_CHECK(error == 0, IoError, "cannot start '{}': {}", binary.string(), std::strerror(error));
  return pid;
}

namespace {

ProcessEnd wait_for_child(int options) {
  int raw = 0;
  const pid_t pid = ::waitpid(-1, &raw, options);
  if (pid < 0 && errno == EINTR) return {.pid = 0, .status = 0, .interrupted = true};
  if (pid == 0 || (pid < 0 && errno == ECHILD && (options & WNOHANG))) return {};
  NNLAB_CHECK(pid > 0, IoError, "waiting for a trial failed: {}", std::strerror(errno));
  const int status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + (WIFSIGNALED(raw) ? WTERMSIG(raw) : 0);
  return {.pid = pid, .status = status, .interrupted = false};
}

}  // namespace

ProcessEnd wait_for_any_process() { return wait_for_child(0); }

ProcessEnd poll_any_process() { return wait_for_child(WNOHANG); }

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int /*signal*/) { g_interrupted = 1; }

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: waitpid returns with EINTR
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

bool interrupt_requested() { return g_interrupted != 0; }

std::filesystem::path this_executable() { return std::filesystem::read_symlink("/proc/self/exe"); }

}  // namespace nnlab::lab
