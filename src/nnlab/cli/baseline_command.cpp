// nnlab baseline CONFIG: E7's classical baselines (lab/baseline.h). The config's data, with the
// split `nnlab train` would use, fitted by the [baseline] table's method (gradient-boosted trees
// on the raw inputs, or softmax regression on the features of the config's model), in a run
// folder of its own; a table and one result line at the end.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/cli/result_table.h"
#include "nnlab/io/baseline_config.h"
#include "nnlab/lab/baseline.h"

namespace nnlab::cli {
namespace {

void print_outcome(const lab::BaselineOutcome& o) {
  std::vector<SplitResult> rows;
  for (const auto& [split, s] : {std::pair{"train", &o.train}, {"val", &o.val}, {"test", &o.test}}) {
    if (s->examples > 0)
      rows.push_back({.split = split, .loss = s->loss, .accuracy = s->accuracy, .examples = s->examples});
  }
  std::cout << "\n" << o.description << ":\n" << split_table(rows);
  for (const std::string& note : o.notes) std::cout << "note: " << note << "\n";
  const lab::BaselineScore& shown = o.test.examples > 0 ? o.test : o.val.examples > 0 ? o.val : o.train;
  const char* split = o.test.examples > 0 ? "test" : o.val.examples > 0 ? "val" : "train";
  std::cout << fmt::format("{}: {} accuracy {:.4f}, loss {:.4f}, {:.1f} s; run folder: {}\n", o.method, split,
                           shown.accuracy, shown.loss, o.seconds, o.folder.string())
            << std::flush;
}

}  // namespace

void add_baseline_command(CLI::App& app, int& status) {
  struct Flags {
    std::string config;
    std::vector<std::string> overrides;
    std::string out;
    std::string run_dir;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "baseline",
      "E7: fit a classical baseline ([baseline] method) to the config's data, split as nnlab train splits it");
  command->add_option("config", flags->config, "the experiment's TOML file, with a [baseline] table")
      ->required()
      ->check(regular_file());
  command
      ->add_option("--set", flags->overrides,
                   "override a config key, e.g. --set baseline.rounds=20 or --set data.limit=1000 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  command->add_option("--out", flags->out, "parent folder of the run folder (config key `out`, default runs)")
      ->type_name("DIR");
  command->add_option("--run-dir", flags->run_dir, "the run folder itself, created new (instead of under --out)")
      ->type_name("DIR");
  command->footer("[baseline] keys (key  type  default  meaning); the rest of the file is read as by nnlab train:\n" +
                  io::describe_baseline_keys());
  command->callback([flags, &status] {
    std::vector<std::string> overrides = flags->overrides;
    if (!flags->out.empty()) overrides.push_back("out=" + flags->out);
    const io::BaselineFile file = io::load_baseline_file(flags->config, overrides);
    std::cout << fmt::format("nnlab baseline {}: {} on {}\n", flags->config, file.baseline.method,
                             file.config.data.dataset)
              << std::flush;
    const lab::BaselineOutcome outcome =
        lab::run_baseline(file, {.run_dir = flags->run_dir, .command = command_line(), .progress = &std::cout});
    print_outcome(outcome);
    status = 0;
  });
}

}  // namespace nnlab::cli
