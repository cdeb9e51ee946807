// nnlab train and nnlab resume.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/cli/result_table.h"
#include "nnlab/io/config.h"
#include "nnlab/io/experiment.h"

namespace nnlab::cli {
namespace {

int report(const io::RunOutcome& outcome) {
  std::cout << result_table(outcome) << std::flush;
  if (!outcome.result.diverged()) return 0;
  std::fprintf(stderr, "nnlab: training stopped: %s; the logs and the last good checkpoint are in %s\n",
               outcome.result.message.c_str(), outcome.folder.c_str());
  return 1;
}

io::RunOptions progress_options() { return {.progress = &std::cout, .terminal = isatty(STDOUT_FILENO) == 1}; }

}  // namespace

void add_train_command(CLI::App& app, int& status) {
  struct Flags {
    std::string config;
    std::vector<std::string> overrides;
    std::string out;
    std::string seed;
    std::string threads;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand("train", "Train the experiment described in CONFIG (a TOML file)");
  command->add_option("config", flags->config, "the experiment's TOML file")->required()->check(CLI::ExistingFile);
  command->add_option("--set", flags->overrides, "override a config key, e.g. --set optim.lr=0.01 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  command->add_option("--out", flags->out, "parent folder of the run folder (config key `out`, default runs)")
      ->type_name("DIR");
  command->add_option("--seed", flags->seed, "the run's seed (config key `seed`)")->type_name("N");
  command->add_option("--threads", flags->threads, "threads to use, 0 = every core (config key `train.threads`)")
      ->type_name("N");
  command->footer("Config keys (section.key  type  default  meaning):\n" + io::describe_config_keys());
  command->callback([flags, &status] {
    std::vector<std::string> overrides = flags->overrides;
    if (!flags->out.empty()) overrides.push_back("out=" + flags->out);
    if (!flags->seed.empty()) overrides.push_back("seed=" + flags->seed);
    if (!flags->threads.empty()) overrides.push_back("train.threads=" + flags->threads);
    const io::ExperimentConfig config = io::load_config(flags->config, overrides);
    std::cout << fmt::format("nnlab train {}: {} on {}, {} epochs\n", flags->config, config.model.type,
                             config.data.dataset, config.train.epochs)
              << std::flush;
    status = report(io::run_experiment(config, progress_options()));
  });
}

void add_resume_command(CLI::App& app, int& status) {
  auto dir = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("resume", "Continue an interrupted run from its last checkpoint");
  command->add_option("run", *dir, "the run folder (runs/<name>-<timestamp>)")->required();
  command->callback([dir, &status] { status = report(io::resume_experiment(*dir, progress_options())); });
}

}  // namespace nnlab::cli
