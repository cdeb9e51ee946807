// E7's baselines on an experiment's data; see baseline.h.
#include "nnlab/lab/baseline.h"

#include <chrono>
#include <cmath>
#include <ostream>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/analysis/boosted_trees.h"
#include "nnlab/analysis/frozen_features.h"
#include "nnlab/analysis/misclassified.h"
#include "nnlab/analysis/model_outputs.h"
#include "nnlab/analysis/softmax_regression.h"
#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/lab/build_info.h"
#include "nnlab/lab/experiment.h"
#include "nnlab/lab/experiment_model.h"
#include "nnlab/ops/softmax.h"
#include "nnlab/report/image_grid.h"
#include "nnlab/tensor/view.h"
#include "nnlab/train/probes/evaluation_probes.h"

namespace nnlab::lab {
namespace {

constexpr double kMinProbability = 1e-15;         // log loss clipping, as scikit-learn's log_loss
constexpr std::int64_t kMisclassifiedShown = 36;  // as the misclassified probe's default count

// What a fitted baseline says about each split: log-probabilities (N, classes), undefined for an
// empty split.
struct Fitted {
  Tensor train, val, test;
  std::string description;
  std::vector<std::string> notes;
};

void say(std::ostream* progress, const std::string& line) {
  if (progress != nullptr) *progress << line << '\n' << std::flush;
}

// log(max(p, kMinProbability)) of probabilities (N, K), in float64.
Tensor clipped_log(const Tensor& probabilities) {
  std::vector<double> values = probabilities.to_vector<double>();
  for (double& p : values) p = std::log(std::max(p, kMinProbability));
  return Tensor::from_doubles(values, probabilities.shape(), DType::f64);
}

BaselineScore score(const Tensor& log_probabilities, const data::Dataset& split) {
  BaselineScore result{.examples = split.size()};
  if (result.examples == 0) return result;
  const std::vector<std::int64_t> labels = analysis::class_indices(split.targets, "baseline");
  const std::vector<std::int64_t> predicted = analysis::argmax_rows(log_probabilities);
  const std::vector<double> log_p = log_probabilities.to_vector<double>();
  const std::int64_t classes = log_probabilities.size(1);
  double loss = 0.0;
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    loss -= log_p[i * static_cast<std::size_t>(classes) + static_cast<std::size_t>(labels[i])];
    correct += predicted[i] == labels[i];
  }
  result.accuracy = static_cast<double>(correct) / static_cast<double>(result.examples);
  result.loss = loss / static_cast<double>(result.examples);
  return result;
}

Fitted fit_boosted_trees(const io::BaselineConfig& b, const io::ExperimentConfig& c, const ExperimentData& data,
                         std::ostream* progress) {
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t every = std::max<std::int64_t>(1, b.rounds / 10);  // about ten progress lines
  const analysis::BoostedTreesOptions options{
      .rounds = b.rounds,
      .max_depth = b.max_depth,
      .eta = b.eta,
      .subsample = b.subsample,
      .threads = b.threads,
      .seed = c.seed,
      .after_round = [&](std::int64_t done) {
        if (done % every != 0 && done != b.rounds) return;
        say(progress, fmt::format("  round {}/{}, {:.1f} s", done, b.rounds,
                                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
      }};
  const Shape example(data.train.inputs.shape().span().subspan(1));
  const std::int64_t inputs = example.numel();
  Fitted fitted;
  fitted.description = fmt::format(
      "gradient-boosted trees (XGBoost {}): {} rounds, max_depth {}, eta {}, subsample {}, on the raw inputs{}",
      analysis::xgboost_version(), b.rounds, b.max_depth, b.eta, b.subsample,
      example.rank() == 1 ? fmt::format(" ({})", inputs) : fmt::format(", {} flattened to {}", example, inputs));
  say(progress, fmt::format("fitting {} rounds of trees on {} training examples x {} inputs, {} classes, {} threads",
                            b.rounds, data.train.size(), inputs, data.train.num_classes,
                            b.threads > 0 ? static_cast<int>(b.threads) : num_threads()));
  const analysis::BoostedTrees trees =
      analysis::BoostedTrees::fit(data.train.inputs, data.train.targets, data.train.num_classes, options);
  const auto log_probabilities = [&](const data::Dataset& split) {
    return split.size() == 0 ? Tensor() : clipped_log(trees.predict_proba(split.inputs));
  };
  fitted.train = log_probabilities(data.train);
  fitted.val = log_probabilities(data.val);
  fitted.test = log_probabilities(data.test);
  return fitted;
}

Fitted fit_logistic_features(const io::BaselineConfig& b, Experiment& e, std::ostream* progress) {
  const std::int64_t batch = e.config.train.eval_batch_size;
  Fitted fitted;
  const auto features = [&](const data::Dataset& split) {
    return split.size() == 0 ? Tensor() : analysis::frozen_features(*e.model, split.inputs, batch);
  };
  say(progress,
      fmt::format("features of the {} model: {}", e.config.model.type, analysis::frozen_features_source(*e.model)));
  const Tensor train = features(e.data.train);
  const Tensor val = features(e.data.val);
  const Tensor test = features(e.data.test);
  fitted.description = fmt::format(
      "softmax regression (Adam, lr {}, batch_size {}, {} epochs, weight_decay {}) on the {} features of the {} "
      "model before its final Linear layer",
      b.lr, b.batch_size, b.epochs, b.weight_decay, train.size(1), e.config.model.type);
  if (e.config.model.init_from.empty()) {
    fitted.notes.push_back(
        "[model] init_from is empty: the features are those of an untrained, randomly "
        "initialised model");
  }
  say(progress, fmt::format("fitting softmax regression on {} training examples x {} features, {} classes",
                            e.data.train.size(), train.size(1), e.data.train.num_classes));
  const analysis::SoftmaxRegression fit =
      analysis::fit_softmax_regression(train, e.data.train.targets, e.data.train.num_classes,
                                       {.epochs = b.epochs,
                                        .batch_size = b.batch_size,
                                        .lr = b.lr,
                                        .weight_decay = b.weight_decay,
                                        .seed = e.config.seed});
  const auto log_probabilities = [&](const Tensor& f) {
    return f.defined() ? ops::log_softmax(analysis::softmax_regression_logits(fit, f), 1) : Tensor();
  };
  fitted.train = log_probabilities(train);
  fitted.val = log_probabilities(val);
  fitted.test = log_probabilities(test);
  return fitted;
}

// ---- checks before any folder is made ----

void check_applies(const io::BaselineFile& file, const ExperimentData& data) {
  const io::ExperimentConfig& c = file.config;
  NNLAB_CHECK(data.train.task == data::Task::classification, ConfigError,
              "{}: [baseline] method = \"{}\": expected a classification dataset, but [data] dataset '{}' is "
              "regression",
              file.source, file.baseline.method, c.data.dataset);
  NNLAB_CHECK(data.train.size() > 0, ConfigError,
              "{}: [baseline] method = \"{}\": expected training examples, [data] leaves none", file.source,
              file.baseline.method);
}

void check_model_head(const io::BaselineFile& file, nn::Module& model) {
  try {
    analysis::frozen_features_source(model);
  } catch (const ValueError& e) {
    throw ConfigError(
        fmt::format("{}: [baseline] method = \"logistic_features\" needs a model with a final Linear "
                    "layer, but [model] type = '{}' has none ({})",
                    file.source, file.config.model.type, e.what()));
  }
}

// ---- the run folder's files ----

std::string number_or_empty(double value) { return std::isfinite(value) ? fmt::format("{:.10g}", value) : ""; }

nlohmann::ordered_json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

std::string results_csv(const BaselineOutcome& o) {
  return fmt::format("method,train_accuracy,val_accuracy,test_accuracy,test_loss,seconds\n{},{},{},{},{},{:.3f}\n",
                     o.method, number_or_empty(o.train.accuracy), number_or_empty(o.val.accuracy),
                     number_or_empty(o.test.accuracy), number_or_empty(o.test.loss), o.seconds);
}

// The scalars a trained run's last epoch records, so that sweep tables and reports read them alike.
void write_metrics(const io::RunFolder& folder, const BaselineOutcome& o) {
  std::vector<train::ScalarRecord> records;
  for (const auto& [split, s] : {std::pair{"train", &o.train}, {"val", &o.val}, {"test", &o.test}}) {
    if (s->examples == 0) continue;
    records.push_back({.tag = fmt::format("{}/loss", split), .step = 0, .epoch = 1, .value = s->loss});
    records.push_back({.tag = fmt::format("{}/accuracy", split), .step = 0, .epoch = 1, .value = s->accuracy});
  }
  records.push_back({.tag = "time/seconds", .step = 0, .epoch = 1, .value = o.seconds});
  std::string jsonl, csv = std::string(io::kScalarCsvHeader) + "\n";
  for (const train::ScalarRecord& record : records) {
    jsonl += io::to_jsonl_line(record) + "\n";
    csv += io::to_csv_row(record) + "\n";
  }
  io::write_file_atomically(folder.metrics_jsonl().string(), jsonl);
  io::write_file_atomically(folder.metrics_csv().string(), csv);
}

void write_summary(const io::RunFolder& folder, const io::BaselineFile& file, const ExperimentData& data,
                   const BaselineOutcome& o) {
  nlohmann::ordered_json summary;
  summary["name"] = file.config.name;
  summary["method"] = o.method;
  summary["description"] = o.description;
  summary["seconds"] = o.seconds;
  summary["dataset"] = {{"name", file.config.data.dataset},
                        {"source", data.source},
                        {"train", data.train.size()},
                        {"val", data.val.size()},
                        {"test", data.test.size()}};
  summary["classes"] = data.train.num_classes;
  nlohmann::ordered_json final_scores;
  for (const auto& [split, s] : {std::pair{"train", &o.train}, {"val", &o.val}, {"test", &o.test}}) {
    final_scores[split] = {{"loss", number_or_null(s->loss)}, {"accuracy", number_or_null(s->accuracy)}};
  }
  summary["final"] = std::move(final_scores);
  summary["notes"] = o.notes;
  io::write_file_atomically(folder.summary().string(), summary.dump(2) + "\n");
}

void write_run_description(const io::RunFolder& folder, const io::BaselineFile& file, const BaselineOptions& options) {
  nlohmann::ordered_json run;
  run["command"] = options.command;
  run["nnlab_version"] = nnlab_version();
  run["git_commit"] = git_commit();
  run["seed"] = file.config.seed;
  const bool own_threads = file.baseline.method == "boosted_trees" && file.baseline.threads > 0;
  run["threads"] = own_threads ? static_cast<int>(file.baseline.threads) : num_threads();  // what the fit ran on
  nlohmann::ordered_json libraries;
  for (const auto& [library, version] : library_versions()) libraries[library] = version;
  if (file.baseline.method == "boosted_trees") libraries["XGBoost"] = analysis::xgboost_version();
  run["libraries"] = std::move(libraries);
  io::write_file_atomically((folder.dir() / "run.json").string(), run.dump(2) + "\n");
}

// The first misclassified test images, drawn as the misclassified probe draws them and recorded in
// probes.jsonl under its tag, so that `nnlab report` draws them again. Only for image inputs.
void write_misclassified(const io::RunFolder& folder, const data::Dataset& test, const Tensor& log_probabilities) {
  const Tensor& inputs = test.inputs;
  if (test.size() == 0 || inputs.dim() != 4 || (inputs.size(1) != 1 && inputs.size(1) != 3)) return;
  const std::vector<std::int64_t> labels = analysis::class_indices(test.targets, "baseline");
  const std::vector<std::int64_t> predicted = analysis::argmax_rows(log_probabilities);
  train::ImageRecord record{.tag = "misclassified", .step = 0, .epoch = 1, .images = {}};
  report::ImageGrid grid{.title = "misclassified test images (true / predicted class)", .images = {}};
  for (std::size_t i = 0; i < labels.size() && std::ssize(grid.images) < kMisclassifiedShown; ++i) {
    if (predicted[i] == labels[i]) continue;
    analysis::ByteImage image = analysis::example_image(view::select(inputs, 0, static_cast<std::int64_t>(i)));
    const std::string caption =
        fmt::format("#{} {} / {}", i, train::class_name(test, labels[i]), train::class_name(test, predicted[i]));
    grid.images.push_back({.height = image.height,
                           .width = image.width,
                           .channels = image.channels,
                           .pixels = image.pixels,
                           .caption = caption});
    record.images.push_back({.height = image.height,
                             .width = image.width,
                             .channels = image.channels,
                             .pixels = std::move(image.pixels),
                             .caption = caption});
  }
  if (grid.images.empty()) return;
  grid.columns = static_cast<int>(std::min<std::size_t>(grid.images.size(), 6));
  report::plot_image_grid(folder.plots() / "misclassified", grid);
  io::write_file_atomically(folder.probes_jsonl().string(), io::to_json(record).dump() + "\n");
}

}  // namespace

BaselineOutcome run_baseline(const io::BaselineFile& file, const BaselineOptions& options) {
  const io::ExperimentConfig& c = file.config;
  const io::BaselineConfig& b = file.baseline;
  // The model is built as `nnlab train` builds it (seeded global Rng, threads) only when it is used.
  Experiment e = b.method == "logistic_features"
                     ? build_experiment(c)
                     : Experiment{.config = c, .data = {}, .model = nullptr, .example_shape = {}};
  if (b.method != "logistic_features") {
    if (c.train.threads > 0) set_num_threads(static_cast<int>(c.train.threads));
    e.data = load_experiment_data(c.data, c.seed, model_dtype(c.model));
  }
  check_applies(file, e.data);
  if (e.model) check_model_head(file, *e.model);

  const io::RunFolder folder = options.run_dir.empty() ? io::RunFolder::create(c.out, c.name + "-baseline")
                                                       : io::RunFolder::create_new(options.run_dir);
  io::write_file_atomically(folder.config().string(), io::to_toml(c) + "\n" + io::to_toml(b));
  write_run_description(folder, file, options);

  const auto start = std::chrono::steady_clock::now();
  const Fitted fitted =
      e.model ? fit_logistic_features(b, e, options.progress) : fit_boosted_trees(b, c, e.data, options.progress);
  BaselineOutcome outcome{.folder = folder.dir(),
                          .method = b.method,
                          .description = fitted.description,
                          .train = score(fitted.train, e.data.train),
                          .val = score(fitted.val, e.data.val),
                          .test = score(fitted.test, e.data.test),
                          .seconds = 0.0,
                          .notes = fitted.notes};
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  io::write_file_atomically((folder.dir() / "results.csv").string(), results_csv(outcome));
  write_metrics(folder, outcome);
  if (fitted.test.defined()) write_misclassified(folder, e.data.test, fitted.test);
  write_summary(folder, file, e.data, outcome);
  return outcome;
}

}  // namespace nnlab::lab
