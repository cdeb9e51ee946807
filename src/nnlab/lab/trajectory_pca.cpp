#include "nnlab/lab/trajectory_pca.h"

#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/report/scatter_chart.h"

namespace nnlab::lab {
namespace {

struct Snapshot {
  std::int64_t run = 0, step = 0, epoch = 0;
  double loss = std::numeric_limits<double>::quiet_NaN();
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  double weight_norm = 0.0;  // L2 norm of every weight together
};

double l2_norm(const std::vector<float>& values) {
  double sum = 0.0;
  for (float v : values) sum += static_cast<double>(v) * v;
  return std::sqrt(sum);
}

double info(const io::SnapshotEntry& entry, const char* name) {
  for (const auto& [key, value] : entry.info) {
    if (key == name) return value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// Every snapshot of `run_dir` flattened into `points`, its description into `snapshots`.
void load_run(const std::filesystem::path& run_dir, std::int64_t run, std::vector<std::vector<float>>& points,
              std::vector<Snapshot>& snapshots) {
  const io::RunRecords records = io::read_run_records(run_dir);
  NNLAB_CHECK(!records.snapshots.empty(), ConfigError,
              "analyze pca: '{}' holds no weight snapshots; train it with the snapshots probe on "
              "([probes] snapshots = true)",
              run_dir.string());
  for (const io::SnapshotEntry& entry : records.snapshots) {
    const io::SafetensorsFile file = io::load_safetensors((run_dir / entry.file).string());
    std::vector<nn::NamedTensor> tensors(file.tensors.begin(), file.tensors.end());
    points.push_back(analysis::flatten_named_tensors(tensors));
    NNLAB_CHECK(points.back().size() == points.front().size(), DataError,
                "analyze pca: '{}' has {} weights per snapshot, the first run has {}: the runs must train the same "
                "model",
                (run_dir / entry.file).string(), points.back().size(), points.front().size());
    snapshots.push_back({.run = run,
                         .step = entry.step,
                         .epoch = entry.epoch,
                         .loss = info(entry, "loss"),
                         .accuracy = info(entry, "accuracy"),
                         .weight_norm = l2_norm(points.back())});
  }
}

// Does the loss fall as the weights grow? One point per snapshot, a path per run (E10).
void plot_norm_against_loss(const std::vector<Snapshot>& snapshots, bool accuracy, const std::filesystem::path& path) {
  report::ScatterChart chart{.title = "Weight norm against loss at every snapshot",
                             .x_label = "L2 norm of all weights",
                             .y_label = "loss on the probe data",
                             .colour_label = accuracy ? "accuracy" : "step",
                             .x = {},
                             .y = {},
                             .colour = {},
                             .group = {}};
  for (const Snapshot& s : snapshots) {
    chart.x.push_back(s.weight_norm);
    chart.y.push_back(s.loss);
    chart.colour.push_back(accuracy ? s.accuracy : static_cast<double>(s.step));
    chart.group.push_back(s.run);
  }
  report::plot_scatter(path, chart);
}

std::string csv_number(double value) { return std::isfinite(value) ? fmt::format("{}", value) : std::string(); }

}  // namespace

TrajectoryPca trajectory_pca(const std::vector<std::filesystem::path>& run_dirs, const std::filesystem::path& out_dir) {
  NNLAB_CHECK(!run_dirs.empty(), ConfigError, "analyze pca: expected one or more run folders, got none");
  std::vector<std::vector<float>> points;
  std::vector<Snapshot> snapshots;
  for (std::size_t i = 0; i < run_dirs.size(); ++i)
    load_run(run_dirs[i], static_cast<std::int64_t>(i), points, snapshots);
  NNLAB_CHECK(points.size() >= 2, ConfigError, "analyze pca: needs at least 2 snapshots, the runs hold {}",
              points.size());
  TrajectoryPca result{.pca = analysis::pca(points),
                       .runs = static_cast<std::int64_t>(run_dirs.size()),
                       .snapshots = static_cast<std::int64_t>(points.size())};
  points.clear();

  bool accuracy = true, loss = true;
  for (const Snapshot& s : snapshots) {
    accuracy = accuracy && std::isfinite(s.accuracy);
    loss = loss && std::isfinite(s.loss);
  }
  const analysis::PcaResult& pca = result.pca;
  report::ScatterChart chart{
      .title = fmt::format("Weight trajectories of {} run(s), PCA of {} snapshots", result.runs, result.snapshots),
      .x_label = fmt::format("PC1 ({:.1f} % of the variance)", 100 * pca.explained_variance_ratio[0]),
      .y_label = fmt::format("PC2 ({:.1f} % of the variance)", 100 * pca.explained_variance_ratio[1]),
      .colour_label = accuracy ? "accuracy"
                      : loss   ? "loss"
                               : "step",
      .x = {},
      .y = {},
      .colour = {},
      .group = {}};
  std::string csv = "run,step,epoch,pc1,pc2,loss,accuracy,weight_norm\n";
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    const Snapshot& s = snapshots[i];
    const auto point = static_cast<std::int64_t>(i);
    chart.x.push_back(pca.coordinate(point, 0));
    chart.y.push_back(pca.coordinate(point, 1));
    chart.colour.push_back(accuracy ? s.accuracy : loss ? s.loss : static_cast<double>(s.step));
    chart.group.push_back(s.run);
    const std::string run = io::csv_field(run_dirs[static_cast<std::size_t>(s.run)].filename().string());
    csv += fmt::format("{},{},{},{},{},{},{},{}\n", run,
                       s.step, s.epoch, chart.x.back(), chart.y.back(), csv_number(s.loss), csv_number(s.accuracy),
                       s.weight_norm);
  }
  std::filesystem::create_directories(out_dir);
  io::write_file_atomically((out_dir / "pca.csv").string(), csv);
  report::plot_scatter(out_dir / "pca", chart);
  if (loss) plot_norm_against_loss(snapshots, accuracy, out_dir / "weight_norm_loss");
  return result;
}

}  // namespace nnlab::lab
