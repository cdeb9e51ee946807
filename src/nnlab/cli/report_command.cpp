// nnlab report DIR: report.html again from a run folder (and its plots), a sweep or an experiment; nnlab analyze pca
// RUN_DIR...: the weight trajectories of runs with snapshots, in one picture.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/lab/experiment_report.h"
#include "nnlab/lab/sweep_report.h"
#include "nnlab/lab/sweep_results.h"
#include "nnlab/lab/trajectory_pca.h"
#include "nnlab/report/html_report.h"
#include "nnlab/report/run_plots.h"

namespace nnlab::cli {

void add_report_command(CLI::App& app, int& status) {
  auto dir = std::make_shared<std::string>();
  CLI::App* command =
      app.add_subcommand("report", "Write report.html again: of a run (with its plots), a sweep or an experiment");
  command->add_option("run", *dir, "a run, sweep or experiment folder")->required();
  command->callback([dir, &status] {
    const std::filesystem::path path(*dir);
    if (std::filesystem::is_regular_file(path / "experiment.toml") ||
        std::filesystem::is_regular_file(path / "plan.json")) {
      if (std::filesystem::exists(path / "experiment.toml")) {
        lab::write_experiment_report(path);
      } else {
        const lab::SweepOutcome sweep = lab::open_sweep(path);
        lab::write_sweep_report(sweep, lab::collect_results(sweep));
      }
      std::cout << "report: " << (path / "report.html").string() << "\n";
      status = 0;
      return;
    }
    const io::RunFolder folder = io::RunFolder::open(*dir);
    const auto plots = report::draw_run_plots(folder.dir());
    report::write_html_report(folder.dir());
    std::cout << fmt::format("{} plots in {}\nreport: {}\n", plots.size(), folder.plots().string(),
                             folder.report().string());
    status = 0;
  });
}

void add_analyze_command(CLI::App& app, int& status) {
  CLI::App* analyze = app.add_subcommand("analyze", "Analyses across runs");
  analyze->require_subcommand(1);
  auto runs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  CLI::App* pca = analyze->add_subcommand(
      "pca", "PCA of the weight snapshots of one or many runs: every trajectory in one picture, coloured by accuracy");
  pca->add_option("runs", *runs, "run folders trained with [probes] snapshots on")->required();
  pca->add_option("--out", *out, "folder for pca.png, pca.svg and pca.csv (default: a new runs/pca-<timestamp>)")
      ->type_name("DIR");
  pca->callback([runs, out, &status] {
    std::vector<std::filesystem::path> dirs;
    for (const std::string& run : *runs) dirs.push_back(io::RunFolder::open(run).dir());
    const std::filesystem::path where =
        out->empty() ? io::RunFolder::create("runs", "pca").dir() : std::filesystem::path(*out);
    const lab::TrajectoryPca result = lab::trajectory_pca(dirs, where);
    std::cout << fmt::format(
        "{} snapshots of {} run(s); PC1 and PC2 explain {:.1f} % and {:.1f} % of the variance\n"
        "written: {}/pca.png, pca.svg, pca.csv{}\n",
        result.snapshots, result.runs, 100 * result.pca.explained_variance_ratio[0],
        100 * result.pca.explained_variance_ratio[1], where.string(),
        std::filesystem::exists(where / "weight_norm_loss.png") ? ", weight_norm_loss.png, weight_norm_loss.svg" : "");
    status = 0;
  });
}

}  // namespace nnlab::cli
