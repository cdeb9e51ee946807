// nnlab closed-form CONFIG: E5's closed-form fit. Loads the config's data exactly as `nnlab
// train` does, fits the quadratic features phi(x) by least squares (analysis/closed_form.h) and
// writes a run-like folder: config.toml, summary.json, results.csv and weights.csv.
//
// More features than training examples is allowed: LAPACKE_dgelsd then returns the
// minimum-norm fit, whose training loss is 0 when the examples' features are independent
// (rank = N). It is still the network's lower bound, just not an informative one; the
// command says so instead of refusing.
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/analysis/closed_form.h"
#include "nnlab/cli/commands.h"
#include "nnlab/cli/result_table.h"
#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/config.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/lab/experiment_data.h"
#include "nnlab/lab/experiment_model.h"

namespace nnlab::cli {
namespace {

struct SplitScore {
  const char* split;
  analysis::FitScore score;
};

// Refuses, before any solving, a feature count that is too large for the dense solve.
void check_solvable(const io::DataConfig& data, const data::Dataset& train) {
  const std::int64_t n = train.size();
  NNLAB_CHECK(n > 0, ConfigError, "[data] dataset '{}': the closed-form fit needs training examples, got none",
              data.dataset);
  const std::int64_t inputs = train.inputs.numel() / n;
  const std::int64_t features = analysis::quadratic_feature_count(inputs);
  NNLAB_CHECK(features <= analysis::kMaxQuadraticFeatures, ConfigError,
              "[data] dataset '{}': the closed-form fit needs (D+1)(D+2)/2 = {} quadratic features for D = {} inputs, "
              "expected at most {} ---> HINT: E5 wants a dataset of a few inputs (map, blobs, function, a small csv)",
              data.dataset, features, inputs, analysis::kMaxQuadraticFeatures);
  NNLAB_CHECK(n <= analysis::kMaxDesignElements / features, ConfigError,
              "[data] dataset '{}': {} training examples x {} quadratic features is {} numbers, expected at most {} "
              "---> HINT: data.limit uses fewer examples",
              data.dataset, n, features, n * features, analysis::kMaxDesignElements);
}

// Lines that keep a reader from comparing the wrong things.
void print_notes(const io::ExperimentConfig& config, const analysis::QuadraticFit& fit) {
  if (fit.underdetermined) {
    std::cout << fmt::format(
        "note: {} features > {} training examples: the minimum-norm fit, which interpolates the training data "
        "when its rank ({}) equals the examples\n",
        fit.features, fit.examples, fit.rank);
  }
  if (config.train.loss != "mse" && config.train.loss != "auto") {
    std::cout << fmt::format("note: the closed form minimises mse; the config trains with loss '{}'\n",
                             config.train.loss);
  }
  const io::ModelConfig& m = config.model;
  if (m.type != "mlp" || m.hidden.size() != 1 || m.activation != "quadratic") {
    std::cout << "note: the network this fit bounds is an mlp with one hidden layer and activation = \"quadratic\"\n";
  }
}

// "1", "x1".."xD", then "x1*x1", "x1*x2", ...: the columns of quadratic_features.
std::vector<std::string> feature_names(std::int64_t inputs) {
  std::vector<std::string> names{"1"};
  for (std::int64_t i = 1; i <= inputs; ++i) names.push_back(fmt::format("x{}", i));
  for (std::int64_t i = 1; i <= inputs; ++i) {
    for (std::int64_t j = i; j <= inputs; ++j) names.push_back(fmt::format("x{}*x{}", i, j));
  }
  return names;
}

std::string weights_csv(const analysis::QuadraticFit& fit) {
  std::string text = "feature";
  for (std::int64_t k = 0; k < fit.outputs; ++k) text += fmt::format(",out{}", k);
  text += '\n';
  const std::vector<std::string> names = feature_names(fit.inputs);
  const double* w = fit.weights.data<double>();
  for (std::int64_t f = 0; f < fit.features; ++f) {
    text += names[static_cast<std::size_t>(f)];
    for (std::int64_t k = 0; k < fit.outputs; ++k) text += fmt::format(",{:.17g}", w[f * fit.outputs + k]);
    text += '\n';
  }
  return text;
}

std::string results_csv(const std::vector<SplitScore>& scores) {
  std::string text = "split,examples,loss,accuracy\n";
  for (const auto& [split, score] : scores) {
    if (score.examples == 0) continue;
    text += fmt::format("{},{},{:.10g},", split, score.examples, score.mse);
    if (std::isfinite(score.accuracy)) text += fmt::format("{:.10g}", score.accuracy);
    text += '\n';
  }
  return text;
}

nlohmann::ordered_json nullable(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

std::string summary_json(const io::ExperimentConfig& config, const lab::ExperimentData& data,
                         const analysis::QuadraticFit& fit, const std::vector<SplitScore>& scores, double seconds) {
  nlohmann::ordered_json summary;
  summary["name"] = config.name;
  summary["method"] = "closed-form least squares on the quadratic features (LAPACKE_dgelsd, float64)";
  summary["loss"] = "mse";
  summary["seconds"] = seconds;
  summary["dataset"] = {{"name", config.data.dataset},
                        {"source", data.source},
                        {"train", data.train.size()},
                        {"val", data.val.size()},
                        {"test", data.test.size()}};
  summary["inputs"] = fit.inputs;
  summary["features"] = fit.features;
  summary["outputs"] = fit.outputs;
  summary["rank"] = fit.rank;
  summary["underdetermined"] = fit.underdetermined;
  nlohmann::ordered_json final_scores;
  for (const auto& [split, score] : scores) {
    final_scores[split] = {{"loss", nullable(score.mse)}, {"accuracy", nullable(score.accuracy)}};
  }
  summary["final"] = std::move(final_scores);
  return summary.dump(2) + "\n";
}

void run_closed_form(const io::ExperimentConfig& config, const std::string& run_dir) {
  if (config.train.threads > 0) set_num_threads(static_cast<int>(config.train.threads));
  const lab::ExperimentData data = lab::load_experiment_data(config.data, config.seed, lab::model_dtype(config.model));
  // Checked before the folder is made, so that a refusal leaves nothing behind.
  check_solvable(config.data, data.train);
  const io::RunFolder folder = run_dir.empty() ? io::RunFolder::create(config.out, config.name + "-closed-form")
                                               : io::RunFolder::create_new(run_dir);
  io::write_file_atomically(folder.config().string(), io::to_toml(config));

  const auto start = std::chrono::steady_clock::now();
  const analysis::QuadraticFit fit = analysis::fit_quadratic(data.train);
  const std::vector<SplitScore> scores{{"train", analysis::score_quadratic(fit, data.train)},
                                       {"val", analysis::score_quadratic(fit, data.val)},
                                       {"test", analysis::score_quadratic(fit, data.test)}};
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  io::write_file_atomically((folder.dir() / "weights.csv").string(), weights_csv(fit));
  io::write_file_atomically((folder.dir() / "results.csv").string(), results_csv(scores));
  io::write_file_atomically(folder.summary().string(), summary_json(config, data, fit, scores, seconds));

  std::vector<SplitResult> rows;
  for (const auto& [split, score] : scores) rows.push_back({split, score.mse, score.accuracy, score.examples});
  std::cout << fmt::format("\nleast squares on {} quadratic features of {} inputs, {} outputs (loss = mse):\n",
                           fit.features, fit.inputs, fit.outputs)
            << split_table(rows) << fmt::format("rank {} of {} features, {:.2f} s\n", fit.rank, fit.features, seconds)
            << fmt::format(
                   "train loss {:.10g}: the lowest a one-hidden-layer network with activation x (1 - x) "
                   "can reach on these examples\n",
                   scores.front().score.mse);
  print_notes(config, fit);
  std::cout << fmt::format("run folder: {}\n", folder.dir().string());
}

}  // namespace

void add_closed_form_command(CLI::App& app, int& status) {
  struct Flags {
    std::string config;
    std::vector<std::string> overrides;
    std::string out;
    std::string run_dir;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "closed-form", "E5: fit the config's data by least squares on the quadratic features, in closed form");
  command->add_option("config", flags->config, "the experiment's TOML file")->required()->check(regular_file());
  command->add_option("--set", flags->overrides, "override a config key, e.g. --set data.samples=500 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  command->add_option("--out", flags->out, "parent folder of the run folder (config key `out`, default runs)")
      ->type_name("DIR");
  command->add_option("--run-dir", flags->run_dir, "the run folder itself, created new (instead of under --out)")
      ->type_name("DIR");
  command->callback([flags, &status] {
    std::vector<std::string> overrides = flags->overrides;
    if (!flags->out.empty()) overrides.push_back("out=" + flags->out);
    const io::ExperimentConfig config = io::load_config(flags->config, overrides);
    std::cout << fmt::format("nnlab closed-form {}: quadratic features of {}\n", flags->config, config.data.dataset)
              << std::flush;
    run_closed_form(config, flags->run_dir);
    status = 0;
  });
}

}  // namespace nnlab::cli
