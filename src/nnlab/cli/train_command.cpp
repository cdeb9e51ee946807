// nnlab train and nnlab resume.
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/cli/result_table.h"
#include "nnlab/io/config.h"
#include "nnlab/lab/experiment.h"

namespace nnlab::cli {
namespace {

// Exit 0, or 1 for a run that diverged, or 130 for one stopped by Ctrl-C or SIGTERM.
int report(const lab::RunOutcome& outcome) {
  std::cout << result_table(outcome) << std::flush;
  const std::string folder = outcome.folder.string();
  const std::int64_t checkpoint = outcome.checkpoint_epoch;
  if (outcome.result.diverged()) {
    std::cerr << fmt::format("nnlab: training stopped: {}; the logs are in {}{}\n", outcome.result.message, folder,
                             checkpoint > 0 ? fmt::format(", with the last good checkpoint (epoch {})", checkpoint)
                                            : std::string(" (no checkpoint: it diverged before the first)"));
    return 1;
  }
  if (outcome.result.stop_reason == train::StopReason::interrupted) {
    std::cerr << fmt::format("nnlab: {}; `nnlab resume {}` continues {}\n", outcome.result.message, folder,
                             checkpoint > 0 ? fmt::format("after epoch {}, the last checkpoint", checkpoint)
                                            : std::string("from the start (no checkpoint yet)"));
    return 130;  // the shells' status for a command ended by SIGINT
  }
  return 0;
}

// --seed and --threads: a whole number checked here, so that a bad value is refused naming the flag.
const CLI::Validator kWholeNumber(
    [](const std::string& text) {
      std::int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      const bool whole = error == std::errc() && end == text.data() + text.size() && value >= 0;
      return whole ? std::string() : fmt::format("expected a whole number from 0 to 2^63 - 1, got '{}'", text);
    },
    "N >= 0");

lab::RunOptions progress_options() {
  return {.progress = &std::cout,
          .terminal = isatty(STDOUT_FILENO) == 1,
          .command = command_line(),
          .run_dir = {},
          .until_epoch = 0,
          .stop_on_interrupt = true};
}

// Training in parts (a sweep's rungs): stop after epoch N with a checkpoint; resume goes on.
void add_until_epoch_option(CLI::App& command, std::int64_t& until_epoch) {
  command.add_option("--until-epoch", until_epoch, "pause after epoch N with a checkpoint (`nnlab resume` continues)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
}

}  // namespace

void add_train_command(CLI::App& app, int& status) {
  struct Flags {
    std::string config;
    std::vector<std::string> overrides;
    std::string out;
    // Typed, so that CLI11 rejects a malformed value naming the flag; a valid one always passes
    // the config's own check.
    std::optional<std::int64_t> seed;
    std::optional<std::int64_t> threads;
    std::string run_dir;
    std::int64_t until_epoch = 0;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand("train", "Train the experiment described in CONFIG (a TOML file)");
  command->add_option("config", flags->config, "the experiment's TOML file")->required()->check(regular_file());
  command->add_option("--set", flags->overrides, "override a config key, e.g. --set optim.lr=0.01 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  command->add_option("--out", flags->out, "parent folder of the run folder (config key `out`, default runs)")
      ->type_name("DIR");
  command->add_option("--seed", flags->seed, "the run's seed (config key `seed`)")->type_name("N")->check(kWholeNumber);
  command->add_option("--threads", flags->threads, "threads to use, 0 = every core (config key `train.threads`)")
      ->type_name("N")
      ->check(kWholeNumber);
  command->add_option("--run-dir", flags->run_dir, "the run folder itself, created new (instead of under --out)")
      ->type_name("DIR");
  add_until_epoch_option(*command, flags->until_epoch);
  command->footer("Config keys (section.key  type  default  meaning):\n" + io::describe_config_keys());
  command->callback([flags, &status] {
    std::vector<std::string> overrides = flags->overrides;
    if (!flags->out.empty()) overrides.push_back("out=" + flags->out);
    if (flags->seed) overrides.push_back(fmt::format("seed={}", *flags->seed));
    if (flags->threads) overrides.push_back(fmt::format("train.threads={}", *flags->threads));
    const io::ExperimentConfig config = io::load_config(flags->config, overrides);
    std::cout << fmt::format("nnlab train {}: {} on {}, {} epochs\n", flags->config, config.model.type,
                             config.data.dataset, config.train.epochs)
              << std::flush;
    lab::RunOptions options = progress_options();
    options.run_dir = flags->run_dir;
    options.until_epoch = flags->until_epoch;
    status = report(lab::run_experiment(config, options));
  });
}

void add_resume_command(CLI::App& app, int& status) {
  struct Flags {
    std::string dir;
    std::int64_t until_epoch = 0;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand("resume", "Continue an interrupted run from its last checkpoint");
  command->add_option("run", flags->dir, "the run folder (runs/<name>-<timestamp>)")
      ->required()
      ->check(CLI::ExistingDirectory);
  add_until_epoch_option(*command, flags->until_epoch);
  command->callback([flags, &status] {
    lab::RunOptions options = progress_options();
    options.until_epoch = flags->until_epoch;
    status = report(lab::resume_experiment(flags->dir, options));
  });
}

}  // namespace nnlab::cli
