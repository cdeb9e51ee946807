// nnlab diff RUN_A RUN_B: what differs between two runs (or two sweep trials): config keys,
// final metrics, the first step at which the losses part, and both loss curves in one chart.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/cli/result_table.h"
#include "nnlab/core/error.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/lab/run_diff.h"

namespace nnlab::cli {
namespace {

std::string config_section(const lab::RunDiff& diff) {
  if (diff.config.empty()) return "config: the same (name and out aside)\n";
  std::vector<std::vector<std::string>> rows{{"key", "A", "B"}};
  for (const auto& [key, a, b] : diff.config) rows.push_back({key, a.empty() ? "-" : a, b.empty() ? "-" : b});
  return fmt::format("config: {} key(s) differ\n{}", diff.config.size(), text_columns(rows, "  "));
}

std::string finals_section(const lab::RunDiff& diff) {
  if (diff.finals.empty()) return "final metrics: none that both runs logged\n";
  std::vector<std::vector<std::string>> rows{{"final", "A", "B", "B - A"}};
  for (const auto& [tag, a, b] : diff.finals) {
    rows.push_back({tag, fmt::format("{:.6g}", a), fmt::format("{:.6g}", b), fmt::format("{:+.3g}", b - a)});
  }
  return text_columns(rows, "  ");
}

std::string losses_section(const lab::RunDiff& diff) {
  const char* unit = diff.losses_by_step ? "steps" : "epochs (train/loss)";
  if (!diff.first_differing_step) {
    return fmt::format("losses identical for all {} {}\n", diff.losses_compared, unit);
  }
  if (diff.losses_by_step) return fmt::format("losses part at step {}\n", *diff.first_differing_step);
  // Without per-step records the epoch means are all there is: the step is the end of the first
  // epoch whose mean loss differs, an upper bound on the step where they part.
  return fmt::format(
      "losses part by step {}: the end of the first epoch whose train/loss differs (the runs did not both log "
      "steps; train.log_steps = true gives the exact step)\n",
      *diff.first_differing_step);
}

}  // namespace

void add_diff_command(CLI::App& app, int& status) {
  auto runs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "diff", "Compare two runs (or sweep trials): config keys, final metrics, where the losses part");
  command->add_option("runs", *runs, "the two run folders, A and B")->required()->expected(2);
  command->add_option("--out", *out, "folder for diff.png and diff.svg (default: a new runs/diff-<timestamp>)")
      ->type_name("DIR");
  command->callback([runs, out, &status] {
    const std::filesystem::path a = (*runs)[0];
    const std::filesystem::path b = (*runs)[1];
    const lab::RunDiff diff = lab::diff_runs(a, b);
    std::cout << fmt::format("A: {}\nB: {}\n", a.string(), b.string());
    if (diff.identical) {
      std::cout << "no difference: the same config and the same records (timings aside)\n";
      status = 0;
      return;
    }
    std::cout << config_section(diff) << finals_section(diff) << losses_section(diff);
    std::filesystem::path where;
    if (out->empty()) {
      where = io::RunFolder::create("runs", "diff").dir();
    } else {
      where = *out;
      std::error_code error;
      std::filesystem::create_directories(where, error);
      if (error)
        throw IoError(fmt::format("diff --out '{}': cannot create the folder: {}", where.string(), error.message()));
    }
    const report::ChartFiles chart = lab::plot_diff(diff, a, b, where / "diff");
    std::cout << fmt::format("chart: {}, {}\n", chart.png.string(), chart.svg.string());
    status = 0;
  });
}

}  // namespace nnlab::cli
