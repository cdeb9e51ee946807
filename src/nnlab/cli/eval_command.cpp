// nnlab eval: a trained model's loss and accuracy on its experiment's train / val / test splits.
#include <filesystem>
#include <iostream>
#include <string>

#include "nnlab/cli/commands.h"
#include "nnlab/cli/result_table.h"
#include "nnlab/core/check.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/lab/experiment.h"
#include "nnlab/train/evaluate.h"

namespace nnlab::cli {
namespace {

struct Target {
  std::filesystem::path config;
  std::filesystem::path checkpoint;
};

// A run folder, or a checkpoint file with the config.toml of its folder (or one given).
Target locate(const std::filesystem::path& target, const std::string& config) {
  if (std::filesystem::is_directory(target)) {
    const io::RunFolder folder = io::RunFolder::open(target);
    return {config.empty() ? folder.config() : std::filesystem::path(config), folder.model()};
  }
  NNLAB_CHECK(std::filesystem::is_regular_file(target), IoError, "eval: '{}' is neither a run folder nor a file",
              target.string());
  const std::filesystem::path beside = target.parent_path() / "config.toml";
  NNLAB_CHECK(!config.empty() || std::filesystem::is_regular_file(beside), ConfigError,
              "eval: no config.toml beside '{}'; say which experiment it belongs to with --config", target.string());
  return {config.empty() ? beside : std::filesystem::path(config), target};
}

}  // namespace

void add_eval_command(CLI::App& app, int& status) {
  auto target = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("eval", "Evaluate a trained model on its experiment's data splits");
  // Missing paths are usage errors (exit 2), as for `nnlab train CONFIG`.
  command->add_option("target", *target, "a run folder, or a model .safetensors file")
      ->required()
      ->check(CLI::ExistingPath);
  command->add_option("--config", *config, "the experiment config (default: the run folder's config.toml)")
      ->check(regular_file());
  command->callback([target, config, &status] {
    const Target where = locate(*target, *config);
    lab::Experiment e = lab::build_experiment(io::load_config(where.config));
    io::load_model(*e.model, where.checkpoint.string());
    const auto objective = train::make_objective(e.config.train.loss, e.data.train.task, e.data.train.num_classes,
                                                 e.config.train.label_smoothing);
    std::vector<SplitResult> rows;
    for (const auto& [name, split] :
         {std::pair{"train", &e.data.train}, {"val", &e.data.val}, {"test", &e.data.test}}) {
      if (split->size() == 0) continue;
      const train::Evaluation result = train::evaluate(*e.model, *split, objective, e.config.train.eval_batch_size);
      rows.push_back({name, result.loss, result.accuracy, result.examples});
    }
    std::cout << "model " << where.checkpoint.string() << "\n" << split_table(rows);
    status = 0;
  });
}

}  // namespace nnlab::cli
