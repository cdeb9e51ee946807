#include "nnlab/lab/experiment.h"

#include <algorithm>
#include <ctime>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/analysis/linear_regions.h"
#include "nnlab/core/check.h"
#include "nnlab/core/interrupt.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/io/checkpoint_set.h"
#include "nnlab/io/run_folder_lock.h"
#include "nnlab/io/run_logger.h"
#include "nnlab/io/tensorboard_writer.h"
#include "nnlab/lab/build_info.h"
#include "nnlab/lab/experiment_model.h"
#include "nnlab/lab/experiment_optim.h"
#include "nnlab/lab/experiment_probes.h"
#include "nnlab/lab/report_callback.h"
#include "nnlab/nn/summary.h"
#include "nnlab/report/run_plots.h"
#include "nnlab/train/progress.h"
#include "nnlab/train/trainer.h"

namespace nnlab::lab {
namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::int64_t output_count(const data::Dataset& train) {
  if (train.task == data::Task::classification) return train.num_classes;
  return train.targets.dim() == 1 ? 1 : train.targets.numel() / train.targets.size(0);
}

nlohmann::ordered_json split_json(const train::EpochMetrics& last, const std::string& split) {
  nlohmann::ordered_json out;
  for (const char* metric : {"loss", "accuracy"}) {
    const double value = last.get(split + "/" + metric);
    out[metric] = std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
  }
  return out;
}

void write_summary(const io::RunFolder& folder, const Experiment& e, const train::TrainResult& result) {
  nlohmann::ordered_json summary;
  summary["name"] = e.config.name;
  summary["stop_reason"] = train::to_string(result.stop_reason);
  summary["message"] = result.message;
  summary["epochs_completed"] = result.history.empty() ? 0 : result.history.back().epoch;
  summary["steps"] = result.steps;
  summary["best_epoch"] = result.best_epoch;
  summary["seconds"] = result.seconds;
  summary["parameters"] = e.model->parameter_count();
  summary["trainable_parameters"] = e.model->parameter_count(/*trainable_only=*/true);
  summary["dataset"] = {{"name", e.config.data.dataset},
                        {"source", e.data.source},
                        {"train", e.data.train.size()},
                        {"val", e.data.val.size()},
                        {"test", e.data.test.size()}};
  if (!result.history.empty()) {
    const train::EpochMetrics& last = result.history.back();
    summary["final"] = {
        {"train", split_json(last, "train")}, {"val", split_json(last, "val")}, {"test", split_json(last, "test")}};
  }
  io::write_file_atomically(folder.summary().string(), summary.dump(2) + "\n");
}

// run.json: what it takes to reproduce the run; model.txt: the model's layers and sizes.
void write_run_description(const io::RunFolder& folder, const Experiment& e, const RunOptions& options) {
  nlohmann::ordered_json run;
  run["command"] = options.command;
  run["nnlab_version"] = nnlab_version();
  run["git_commit"] = git_commit();
  run["seed"] = e.config.seed;
  run["threads"] = num_threads();
  run["started"] = utc_now();
  nlohmann::ordered_json libraries;
  for (const auto& [library, version] : library_versions()) libraries[library] = version;
  run["libraries"] = std::move(libraries);
  io::write_file_atomically((folder.dir() / "run.json").string(), run.dump(2) + "\n");
  io::write_file_atomically((folder.dir() / "model.txt").string(), model_summary(e));
}

// An epoch must hold a batch: say which setting leaves none.
void check_has_batches(const data::DataLoader& loader, const Experiment& e) {
  const std::int64_t examples = e.data.train.size();
  NNLAB_CHECK(examples > 0, ConfigError,
              "[data]: expected training examples, got none (the validation and test splits take every example)");
  NNLAB_CHECK(loader.size() > 0, ConfigError,
              "[train] batch_size: expected at most the {} training examples, as drop_last = true drops an incomplete "
              "batch, got {} (lower batch_size, or set drop_last = false)",
              examples, e.config.train.batch_size);
}

// What train_in builds from the config before it writes a file, built here and thrown away before
// the run folder exists, so that a config error found there (a loss that does not fit the task, a
// probe that does not apply, an epoch without a batch, augmentation of non-images, every parameter
// frozen) exits 2 with no folder left behind that `nnlab resume` could not continue. Nothing here
// draws from the global Rng, so the run trains as it would without the check.
void check_trainable(const Experiment& e) {
  const io::ExperimentConfig& c = e.config;
  const auto optimizer = build_optimizer(c.optim, *e.model);
  const data::DataLoader loader(e.data.train, {.batch_size = c.train.batch_size,
                                               .shuffle = c.train.shuffle,
                                               .drop_last = c.train.drop_last,
                                               .seed = c.seed,
                                               .transform = make_augmentation(c.data.augment, e.data.train)});
  check_has_batches(loader, e);
  build_schedule(c.schedule, *optimizer, c.optim.lr, c.train.epochs, loader.size());
  const auto objective =
      train::make_objective(c.train.loss, e.data.train.task, e.data.train.num_classes, c.train.label_smoothing);
  const train::MetricsStream stream;
  build_probes(c, stream, *e.model, e.data, objective);
}

RunOutcome train_in(const io::RunFolder& folder, Experiment& e, const RunOptions& options,
                    std::optional<io::CheckpointState> resume) {
  const io::ExperimentConfig& c = e.config;
  auto optimizer = build_optimizer(c.optim, *e.model);
  data::DataLoader loader(e.data.train, {.batch_size = c.train.batch_size,
                                         .shuffle = c.train.shuffle,
                                         .drop_last = c.train.drop_last,
                                         .seed = c.seed,
                                         .transform = make_augmentation(c.data.augment, e.data.train)});
  check_has_batches(loader, e);
  train::Schedule schedule = build_schedule(c.schedule, *optimizer, c.optim.lr, c.train.epochs, loader.size());
  if (resume && resume->epoch > 0) {
    io::load_model(*e.model, folder.model().string());
    io::load_optimizer(*optimizer, folder.optimizer().string());
    // Schedules restart from the optimiser's restored lr only through their own steps: replay them.
    for (std::int64_t i = 0; schedule.scheduler && i < (schedule.per_step ? resume->steps : resume->epoch); ++i) {
      schedule.scheduler->step();
    }
  }
  const auto objective =
      train::make_objective(c.train.loss, e.data.train.task, e.data.train.num_classes, c.train.label_smoothing);
  train::Trainer trainer(*e.model, *optimizer, objective,
                         {.epochs = c.train.epochs,
                          .early_stopping = c.train.early_stopping,
                          .clip_grad_norm = c.optim.clip_grad_norm,
                          .eval_batch_size = c.train.eval_batch_size,
                          .first_epoch = resume ? resume->epoch + 1 : 1,
                          .first_step = resume ? resume->steps : 0,
                          .record_steps = c.train.log_steps,
                          .pause_after_epoch = options.until_epoch},
                         std::move(schedule));
  // Probes first: a probe that cannot apply to this model or data stops the run before training.
  const std::vector<std::unique_ptr<train::Callback>> probes =
      build_probes(c, trainer.metrics(), *e.model, e.data, objective);
  for (const auto& probe : probes) trainer.add_callback(*probe);  // before the logger, which flushes at epoch ends
  io::RunLogger logger(
      folder, *e.model, *optimizer,
      {.checkpoint_every = c.train.checkpoint_every,
       .resumed_after_epoch = resume ? std::optional(resume->epoch) : std::nullopt});
  trainer.add_callback(logger);
  trainer.metrics().add_sink(logger);
  ReportCallback live_report(folder.dir());
  trainer.add_callback(live_report);
  std::optional<io::TensorBoardWriter> tensorboard;
  if (c.train.tensorboard) trainer.metrics().add_sink(tensorboard.emplace(folder.tensorboard()));
  std::optional<train::ProgressReporter> progress;
  if (options.progress) {
    trainer.add_callback(progress.emplace(*options.progress, options.terminal));
    trainer.metrics().add_sink(*progress);
  }
  write_run_description(folder, e, options);
  std::optional<InterruptScope> interrupts;
  if (options.stop_on_interrupt) interrupts.emplace();
  const train::TrainResult result = trainer.fit(loader, e.data.val, e.data.test);
  interrupts.reset();
  write_summary(folder, e, result);
  report::write_run_report(folder.dir());
  return {.folder = folder.dir(),
          .result = result,
          .checkpoint_epoch = logger.checkpoint_epoch(),
          .parameters = e.model->parameter_count(),
          .train_examples = e.data.train.size(),
          .val_examples = e.data.val.size(),
          .test_examples = e.data.test.size()};
}

}  // namespace

std::string model_summary(const Experiment& e) {
  std::vector<std::int64_t> input{1};
  for (std::int64_t size : e.example_shape) input.push_back(size);
  std::string text = nn::summary(*e.model, Shape(std::span<const std::int64_t>(input)), e.data.train.inputs.dtype());
  const io::ModelConfig& m = e.config.model;
  if (m.type == "mlp" && m.hidden.size() == 1 && m.activation == "relu") {
    // E6: n1 ReLU units cut the n0-dimensional input space into at most this many linear pieces.
    const std::int64_t inputs = e.example_shape.numel(), units = m.hidden.front();
    text += fmt::format(
        "linear regions: at most {} (sum over k = 0..min(n0, n1) of C(n1, k), n0 = {} inputs, n1 = {} ReLU units)\n",
        analysis::linear_region_bound(inputs, units).exact, inputs, units);
  }
  return text;
}

Experiment build_experiment(const io::ExperimentConfig& config) {
  if (config.train.threads > 0) set_num_threads(static_cast<int>(config.train.threads));
  manual_seed(config.seed);
  Experiment e{.config = config, .data = {}, .model = nullptr, .example_shape = {}};
  const DType dtype = model_dtype(config.model);
  e.data = load_experiment_data(config.data, config.seed, dtype);
  const Shape& shape = e.data.train.inputs.shape();
  e.example_shape = Shape(shape.span().subspan(1));
  // The largest batch the model sees, for the size check of its activations.
  const std::int64_t examples = std::max({e.data.train.size(), e.data.val.size(), e.data.test.size()});
  const std::int64_t batch = std::min(std::max(config.train.batch_size, config.train.eval_batch_size), examples);
  e.model = build_model(config.model, e.example_shape, output_count(e.data.train), global_rng(), batch);
  return e;
}

RunOutcome run_experiment(const io::ExperimentConfig& config, const RunOptions& options) {
  check_experiment_data(config.data);  // missing data files: one message, and no folder made
  // Every config error before the folder: a kernel larger than its input, a layer too large, a
  // probe that does not apply, ... (an unwritable output place is found after the data is read).
  Experiment e = build_experiment(config);
  check_trainable(e);
  const io::RunFolder folder =
      options.run_dir.empty() ? io::RunFolder::create(config.out, config.name) : io::RunFolder::create_new(options.run_dir);
  const io::RunFolderLock lock(folder);
  io::write_file_atomically(folder.config().string(), io::to_toml(config));
  return train_in(folder, e, options, std::nullopt);
}

RunOutcome resume_experiment(const std::filesystem::path& dir, const RunOptions& options) {
  const io::RunFolder folder = io::RunFolder::open(dir);
  const io::RunFolderLock lock(folder);
  const io::CheckpointState state = io::open_checkpoint(folder).value_or(io::CheckpointState{});
  Experiment e = build_experiment(io::load_config(folder.config()));
  // Asking for more than the run can do is a usage error (exit 2), like a bad config key.
  NNLAB_CHECK(state.epoch < e.config.train.epochs, ConfigError, "run folder '{}': already trained for all {} epochs",
              dir.string(), e.config.train.epochs);
  NNLAB_CHECK(options.until_epoch == 0 || options.until_epoch > state.epoch, ConfigError,
              "--until-epoch {}: run folder '{}' has already trained {} epochs", options.until_epoch, dir.string(),
              state.epoch);
  return train_in(folder, e, options, state);
}

}  // namespace nnlab::lab
