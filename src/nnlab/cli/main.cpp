// The nnlab command. Exit status: 0 success, 2 bad usage or config, 1 a failure while running
// (unreadable data, a diverged run, I/O). Every error is one line on stderr.
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "nnlab/cli/commands.h"
#include "nnlab/core/error.h"

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
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "nnlab: out of memory\n");
    return 1;
  } catch (const std::exception& e) {  // nnlab::Error and anything a library throws
    std::fprintf(stderr, "nnlab: %s\n", e.what());
    return 1;
  }
}
