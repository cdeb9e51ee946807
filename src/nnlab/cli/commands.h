#pragma once
// The sub-commands of `nnlab`. Each registers itself and its flags on the CLI11 app; its
// callback runs after parsing and sets `status` (0, or 1 for a run that failed without an
// exception). Exceptions propagate to main(), which turns them into exit codes.
#include <CLI/CLI.hpp>

#include <string>

namespace nnlab::cli {

void add_train_command(CLI::App& app, int& status);     // nnlab train CONFIG [--set k=v]... [--out DIR] ...
void add_resume_command(CLI::App& app, int& status);    // nnlab resume RUN_DIR
void add_eval_command(CLI::App& app, int& status);      // nnlab eval RUN_OR_CHECKPOINT
void add_info_command(CLI::App& app, int& status);      // nnlab info CONFIG
void add_datasets_command(CLI::App& app, int& status);  // nnlab datasets
void add_report_command(CLI::App& app, int& status);    // nnlab report RUN_DIR
void add_sweep_command(CLI::App& app, int& status);     // nnlab sweep CONFIG | --resume SWEEP_DIR
void add_analyze_command(CLI::App& app, int& status);   // nnlab analyze pca RUN_DIR...
void add_run_command(CLI::App& app, int& status);       // nnlab run NAME [--quick] | --list
void add_diff_command(CLI::App& app, int& status);      // nnlab diff RUN_A RUN_B [--out DIR]
void add_closed_form_command(CLI::App& app, int& status);  // nnlab closed-form CONFIG [--set k=v]... [--out DIR]
void add_optimize_command(CLI::App& app, int& status);  // nnlab optimize [CONFIG] [--function F] [--optimizer S]...
void add_baseline_command(CLI::App& app, int& status);  // nnlab baseline CONFIG [--set k=v]... [--run-dir DIR]

// Checks that a file argument is a regular file (not missing, a folder, a FIFO or a device), so
// that a bad path is a usage error (exit 2) naming what it is. For CLI11's ->check().
const CLI::Validator& regular_file();

// The command line as typed (arguments quoted where the shell would need it), for run.json.
void set_command_line(int argc, const char* const* argv);
const std::string& command_line();

}  // namespace nnlab::cli
