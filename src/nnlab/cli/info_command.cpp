// nnlab info and nnlab datasets: what an experiment would build, and what data nnlab can read.
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/io/config.h"
#include "nnlab/lab/experiment.h"

namespace nnlab::cli {

void add_info_command(CLI::App& app, int& status) {
  auto config_path = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  CLI::App* command =
      app.add_subcommand("info", "Show the model an experiment builds: layers, output shapes, parameter counts");
  command->add_option("config", *config_path, "the experiment's TOML file")->required()->check(regular_file());
  command->add_option("--set", *overrides, "override a config key (repeatable)")->allow_extra_args(false);
  command->callback([config_path, overrides, &status] {
    const lab::Experiment e = lab::build_experiment(io::load_config(*config_path, *overrides));
    std::cout << fmt::format("{}: {} on {} ({} train / {} val / {} test examples)\n", *config_path, e.config.model.type,
                             e.config.data.dataset, e.data.train.size(), e.data.val.size(), e.data.test.size())
              << lab::model_summary(e);
    status = 0;
  });
}

void add_datasets_command(CLI::App& app, int& status) {
  CLI::App* command = app.add_subcommand("datasets", "List the datasets nnlab reads or generates, and from where");
  command->callback([&status] {
    std::cout << lab::describe_datasets();
    status = 0;
  });
}

}  // namespace nnlab::cli
