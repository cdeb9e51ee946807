// The nnlab command. Every error is one line on stderr, "nnlab: <message>", and the exit status
// says what kind it was:
//   0  success;
//   1  a fault while running: data files that are missing, unreadable or malformed (IoError,
//      DataError), I/O that fails during a run, a diverged run, out of memory, any other error;
//   2  bad usage or config: a CLI11 parse error (an unknown command or flag, a missing file
//      argument) or a ConfigError, which names the key. Config errors come before any side
//      effect: `nnlab train` builds the data, the model and everything its config decides before
//      it creates the run folder, so a config error never leaves a folder behind;
//   130  a run stopped by Ctrl-C or SIGTERM, which `nnlab resume` continues (train_command.cpp).
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnlab/cli/commands.h"
#include "nnlab/core/allocator.h"
#include "nnlab/core/error.h"

namespace {

// `nnlab NAME ...` where NAME is no command: named, with the commands there are (CLI11 alone
// would answer "A subcommand is required"). Empty when `name` is a command or a flag.
std::string unknown_command(const CLI::App& app, const std::string& name) {
  if (name.empty() || name.front() == '-') return {};
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (command->get_name() == name) return {};
    names.push_back(command->get_name());
  }
  return fmt::format("unknown command '{}' (commands: {}); see nnlab --help", name, fmt::join(names, ", "));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "nnlab: a deep-learning laboratory. Runs the experiments described in TOML configs and "
      "writes their logs, checkpoints and summaries to run folders.",
      "nnlab"};
  app.set_version_flag("--version", "nnlab " NNLAB_VERSION);
  app.require_subcommand(1);
  nnlab::cli::set_command_line(argc, argv);
  int status = 0;
  for (const auto add : {nnlab::cli::add_train_command, nnlab::cli::add_resume_command, nnlab::cli::add_eval_command,
                         nnlab::cli::add_info_command, nnlab::cli::add_datasets_command, nnlab::cli::add_report_command,
                         nnlab::cli::add_analyze_command, nnlab::cli::add_sweep_command,
                         nnlab::cli::add_diff_command, nnlab::cli::add_run_command,
                         nnlab::cli::add_closed_form_command, nnlab::cli::add_optimize_command,
                         nnlab::cli::add_baseline_command}) {
    add(app, status);
  }
  if (argc > 1) {
    if (const std::string unknown = unknown_command(app, argv[1]); !unknown.empty()) {
      std::fprintf(stderr, "nnlab: %s\n", unknown.c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);  // runs the chosen command's callback
    return status;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "nnlab: %s (see nnlab --help)\n", e.what());
    return 2;
  } catch (const nnlab::ConfigError& e) {
    std::fprintf(stderr, "nnlab: %s\n", e.what());
    return 2;
  } catch (const nnlab::memory::OutOfMemory& e) {  // names the bytes, and the tensor where known
    std::fprintf(stderr, "nnlab: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "nnlab: out of memory\n");
    return 1;
  } catch (const std::exception& e) {  // nnlab::Error and anything a library throws
    std::fprintf(stderr, "nnlab: %s\n", e.what());
    return 1;
  }
}
