#include "nnlab/lab/function_fits.h"

#include <algorithm>
#include <numeric>

#include "nnlab/analysis/model_outputs.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/io/config.h"
#include "nnlab/lab/experiment.h"
#include "nnlab/report/line_chart.h"

namespace nnlab::lab {
namespace {

struct Curve {
  std::vector<double> x, target, fitted;
};

// The trial's network on every example of its data (train, val and test), sorted by x.
Curve fitted_curve(const std::filesystem::path& trial) {
  Experiment e = build_experiment(io::load_config(trial / "config.toml"));
  io::load_model(*e.model, (trial / "model.safetensors").string());
  Curve unsorted;
  for (const data::Dataset* split : {&e.data.train, &e.data.val, &e.data.test}) {
    if (split->size() == 0) continue;
    const std::vector<double> x = split->inputs.to_vector<double>();
    const std::vector<double> y = split->targets.to_vector<double>();
    const std::vector<double> out = analysis::outputs_in_batches(*e.model, split->inputs, 4096).to_vector<double>();
    unsorted.x.insert(unsorted.x.end(), x.begin(), x.end());
    unsorted.target.insert(unsorted.target.end(), y.begin(), y.end());
    unsorted.fitted.insert(unsorted.fitted.end(), out.begin(), out.end());
  }
  std::vector<std::size_t> order(unsorted.x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return unsorted.x[a] < unsorted.x[b]; });
  Curve curve;
  for (std::size_t i : order) {
    curve.x.push_back(unsorted.x[i]);
    curve.target.push_back(unsorted.target[i]);
    curve.fitted.push_back(unsorted.fitted[i]);
  }
  return curve;
}

const TrialOutcome* first_finished(const SweepOutcome& sweep, const std::string& configuration) {
  for (const TrialOutcome& t : sweep.trials) {
    if (t.trial.configuration == configuration && t.status == TrialStatus::finished) return &t;
  }
  return nullptr;
}

}  // namespace

std::optional<report::ChartFiles> draw_function_fits(const SweepOutcome& sweep, const std::vector<ResultRow>& rows) {
  report::LineChart chart{.title = "The fitted functions over the target",
                          .x_label = "x",
                          .y_label = "f(x)",
                          .series = {},
                          .markers = false};
  for (const ResultRow& row : rows) {  // in rank order: the legend reads best first
    const TrialOutcome* trial = first_finished(sweep, row.configuration);
    if (trial == nullptr) continue;
    if (io::load_config(trial->folder / "config.toml").data.dataset != "function") return std::nullopt;
    const Curve curve = fitted_curve(trial->folder);
    if (chart.series.empty()) chart.series.push_back({.name = "target", .x = curve.x, .y = curve.target, .error = {}});
    chart.series.push_back({.name = row.configuration, .x = curve.x, .y = curve.fitted, .error = {}});
  }
  if (chart.series.empty()) return std::nullopt;
  return report::plot_lines(sweep.folder / "plots" / "fitted_functions", chart);
}

}  // namespace nnlab::lab
