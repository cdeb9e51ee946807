#include "nnlab/io/experiment.h"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/io/experiment_model.h"
#include "nnlab/io/experiment_optim.h"
#include "nnlab/io/run_logger.h"
#include "nnlab/train/progress.h"
#include "nnlab/train/trainer.h"

namespace nnlab::io {
namespace {

std::int64_t output_count(const data::Dataset& train) {
  if (train.task == data::Task::classification) return train.num_classes;
  return train.targets.dim() == 1 ? 1 : train.targets.numel() / train.targets.size(0);
}

nlohmann::ordered_json split_json(double loss, double accuracy) {
  nlohmann::ordered_json split;
  split["loss"] = std::isfinite(loss) ? nlohmann::ordered_json(loss) : nlohmann::ordered_json(nullptr);
  split["accuracy"] = std::isfinite(accuracy) ? nlohmann::ordered_json(accuracy) : nlohmann::ordered_json(nullptr);
  return split;
}

void write_summary(const RunFolder& folder, const Experiment& e, const train::TrainResult& result) {
  nlohmann::ordered_json summary;
  summary["name"] = e.config.name;
  summary["stop_reason"] = result.stop_reason;
  summary["message"] = result.message;
  summary["epochs_completed"] = result.history.empty() ? 0 : result.history.back().epoch;
  summary["steps"] = result.steps;
  summary["best_epoch"] = result.best_epoch;
  summary["seconds"] = result.seconds;
  summary["parameters"] = e.model->parameter_count();
  summary["trainable_parameters"] = e.model->parameter_count(/*trainable_only=*/true);
  summary["dataset"] = {{"name", e.config.data.dataset}, {"source", e.data.source},
                        {"train", e.data.train.size()}, {"val", e.data.val.size()}, {"test", e.data.test.size()}};
  if (!result.history.empty()) {
    const train::EpochRecord& last = result.history.back();
    summary["final"] = {{"train", split_json(last.train_loss, last.train_accuracy)},
                        {"val", split_json(last.val_loss, last.val_accuracy)},
                        {"test", split_json(last.test_loss, last.test_accuracy)}};
  }
  write_file_atomically(folder.summary().string(), summary.dump(2) + "\n");
}

RunOutcome train_in(const RunFolder& folder, Experiment& e, const RunOptions& options,
                    std::optional<CheckpointState> resume) {
  const ExperimentConfig& c = e.config;
  auto optimizer = build_optimizer(c.optim, *e.model);
  data::DataLoader loader(e.data.train, {.batch_size = c.train.batch_size, .shuffle = c.train.shuffle,
                                         .drop_last = c.train.drop_last, .seed = c.seed,
                                         .transform = make_augmentation(c.data.augment, e.data.train)});
  NNLAB_CHECK(loader.size() > 0, ConfigError,
              "[train] batch_size: {} with drop_last leaves no batch of the {} training examples", c.train.batch_size,
              e.data.train.size());
  train::Schedule schedule = build_schedule(c.schedule, *optimizer, c.optim.lr, c.train.epochs, loader.size());
  if (resume) {
    load_model(*e.model, folder.model().string());
    load_optimizer(*optimizer, folder.optimizer().string());
    // Schedules restart from the optimiser's restored lr only through their own steps: replay them.
    for (std::int64_t i = 0; schedule.scheduler && i < (schedule.per_step ? resume->steps : resume->epoch); ++i) {
      schedule.scheduler->step();
    }
  }
  const auto objective = train::make_objective(c.train.loss, e.data.train.task, e.data.train.num_classes,
                                               c.train.label_smoothing);
  train::Trainer trainer(*e.model, *optimizer, objective,
                         {.epochs = c.train.epochs, .early_stopping = c.train.early_stopping,
                          .clip_grad_norm = c.optim.clip_grad_norm, .eval_batch_size = c.train.eval_batch_size,
                          .first_epoch = resume ? resume->epoch + 1 : 1, .first_step = resume ? resume->steps : 0},
                         std::move(schedule));
  RunLogger logger(folder, *e.model, *optimizer,
                   {.log_steps = c.train.log_steps, .checkpoint_every = c.train.checkpoint_every,
                    .resumed_after_epoch = resume ? resume->epoch : 0});
  trainer.add_callback(logger);
  std::optional<train::ProgressReporter> progress;
  if (options.progress) trainer.add_callback(progress.emplace(*options.progress, options.terminal));
  const train::TrainResult result = trainer.fit(loader, e.data.val, e.data.test);
  write_summary(folder, e, result);
  return {.folder = folder.dir(), .result = result, .parameters = e.model->parameter_count(),
          .train_examples = e.data.train.size(), .val_examples = e.data.val.size(),
          .test_examples = e.data.test.size()};
}

}  // namespace

Experiment build_experiment(const ExperimentConfig& config) {
  if (config.train.threads > 0) set_num_threads(static_cast<int>(config.train.threads));
  manual_seed(config.seed);
  Experiment e{.config = config, .data = {}, .model = nullptr, .example_shape = {}};
  const DType dtype = model_dtype(config.model);
  e.data = load_experiment_data(config.data, config.seed, dtype);
  const Shape& shape = e.data.train.inputs.shape();
  e.example_shape = Shape(shape.span().subspan(1));
  e.model = build_model(config.model, e.example_shape, output_count(e.data.train), global_rng());
  return e;
}

RunOutcome run_experiment(const ExperimentConfig& config, const RunOptions& options) {
  // The folder first: an unwritable output place fails before minutes of loading and building.
  const RunFolder folder = RunFolder::create(config.out, config.name);
  write_file_atomically(folder.config().string(), to_toml(config));
  Experiment e = build_experiment(config);
  return train_in(folder, e, options, std::nullopt);
}

RunOutcome resume_experiment(const std::filesystem::path& dir, const RunOptions& options) {
  const RunFolder folder = RunFolder::open(dir);
  const CheckpointState state = read_checkpoint_state(folder);
  Experiment e = build_experiment(load_config(folder.config()));
  NNLAB_CHECK(state.epoch < e.config.train.epochs, ValueError,
              "run folder '{}': already trained for all {} epochs", dir.string(), e.config.train.epochs);
  return train_in(folder, e, options, state);
}

}  // namespace nnlab::io
