// nnlab optimize [CONFIG] [--function F] [--start X,Y] [--optimizer NAME:KEY=VALUE,...]...: the
// optimiser playground (E12). Flags override the config file; --optimizer replaces its list.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnlab/analysis/named_functions.h"
#include "nnlab/cli/commands.h"
#include "nnlab/cli/result_table.h"
#include "nnlab/io/optimize_config.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/lab/optimize.h"
#include "nnlab/lab/optimize_outputs.h"

namespace nnlab::cli {
namespace {

struct OptimizeFlags {
  std::string config;
  std::string function;
  std::string start;
  std::string minimum;
  std::optional<std::int64_t> steps;
  std::string window;
  std::vector<std::string> optimizers;
  std::string out;
  std::string run_dir;
};

io::OptimizeConfig settings_from(const OptimizeFlags& flags) {
  io::OptimizeConfig config = flags.config.empty() ? io::OptimizeConfig{} : io::load_optimize_config(flags.config);
  if (!flags.function.empty()) {
    config.function = flags.function;
    // Another function's minima and window say nothing about this one.
    if (flags.minimum.empty()) config.minima.clear();
    if (flags.window.empty()) config.window.reset();
  }
  if (!flags.start.empty()) config.start = io::parse_point(flags.start, "--start");
  if (!flags.minimum.empty()) config.minima = io::parse_points(flags.minimum, "--minimum");
  if (flags.steps) config.steps = *flags.steps;
  if (!flags.window.empty()) config.window = io::parse_window(flags.window, "--window");
  if (!flags.optimizers.empty()) {
    config.optimizers.clear();
    for (const std::string& spec : flags.optimizers) config.optimizers.push_back(io::parse_optimizer_spec(spec));
  }
  if (!flags.out.empty()) config.out = flags.out;
  return config;
}

std::string result_table(const lab::PlaygroundOutcome& outcome) {
  std::vector<std::vector<std::string>> rows{{"optimizer", "final x", "final y", "f", "distance", "steps", "status"}};
  for (const lab::OptimizerRun& run : outcome.runs) {
    const analysis::Descent& d = run.descent;
    const auto cell = [](const std::vector<double>& v) {
      return v.empty() ? std::string("-") : fmt::format("{:.6g}", v.back());
    };
    rows.push_back({run.spec.label, cell(d.x), cell(d.y), cell(d.value),
                    std::isnan(run.distance) ? std::string("-") : fmt::format("{:.3g}", run.distance),
                    fmt::format("{}", d.steps_run), run.status()});
  }
  return text_columns(rows);
}

// "optimising: 0.93 s for 300000 steps (3.1 us a step); files and charts: 0.61 s"
std::string timing_line(const lab::PlaygroundOutcome& outcome, double writing_seconds) {
  double seconds = 0.0;
  std::int64_t steps = 0;
  for (const lab::OptimizerRun& run : outcome.runs) {
    seconds += run.seconds;
    steps += run.descent.steps_run;
  }
  return fmt::format("optimising: {:.3g} s for {} steps ({:.3g} us a step); files and charts: {:.3g} s\n", seconds,
                     steps, 1e6 * seconds / static_cast<double>(std::max<std::int64_t>(steps, 1)), writing_seconds);
}

std::string named_functions_help() {
  std::string text = "Named functions (--function NAME), their minima and default starts:\n";
  for (const analysis::NamedFunction& f : analysis::named_functions()) {
    std::string minima;
    for (const analysis::Point2D& m : f.minima) {
      minima += fmt::format("{}({:.4g}, {:.4g})", minima.empty() ? "" : " ", m.x, m.y);
    }
    text += fmt::format("  {:<17} {}\n  {:<17} {} {}, start ({}, {})\n", f.name, f.expression, "",
                        f.minima.size() == 1 ? "minimum" : "minima", minima, f.start.x, f.start.y);
  }
  text += "Optimisers (--optimizer NAME:KEY=VALUE,...) and their keys:\n";
  for (const std::string& line : io::optimizer_keys()) text += fmt::format("  {}\n", line);
  text +=
      "An expression uses x, y, numbers (1e-3), + - * / ^ (or **), parentheses, pi, e and the\n"
      "functions sin cos exp log sqrt abs tanh; ^ binds tighter than a unary minus\n"
      "(-x^2 = -(x^2)) and is right-associative (2^3^2 = 2^9).";
  return text;
}

}  // namespace

void add_optimize_command(CLI::App& app, int& status) {
  auto flags = std::make_shared<OptimizeFlags>();
  CLI::App* command = app.add_subcommand(
      "optimize", "Minimise a function of x and y with several optimisers from one start; draw and tabulate the paths");
  command->add_option("config", flags->config, "a TOML file with [function] and [[optimizer]] tables (optional)")
      ->check(regular_file());
  command
      ->add_option("--function,-f", flags->function, "a named function (rosenbrock, ...) or an expression in x and y")
      ->type_name("NAME|EXPR");
  command->add_option("--start", flags->start, "the start point (default: the named function's)")->type_name("X,Y");
  command->add_option("--minimum", flags->minimum, "the known minimum (several: X,Y;X,Y), for the distances")
      ->type_name("X,Y");
  command->add_option("--steps", flags->steps, "updates per optimiser (default 10000)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--optimizer,-o", flags->optimizers,
                   "an optimiser and its settings, e.g. adam:lr=1e-4,beta2=0.99 (repeatable; replaces the config's)")
      ->type_name("NAME:KEY=VALUE,...")
      ->allow_extra_args(false);
  command->add_option("--window", flags->window, "the contour plot's window (default: the minima, start and paths)")
      ->type_name("XMIN,XMAX,YMIN,YMAX");
  command->add_option("--out", flags->out, "parent folder of the run folder (default runs)")->type_name("DIR");
  command->add_option("--run-dir", flags->run_dir, "the run folder itself, created new (instead of under --out)")
      ->type_name("DIR");
  command->footer(named_functions_help());
  command->callback([flags, &status] {
    const io::OptimizeConfig config = settings_from(*flags);
    const lab::PlaygroundOutcome outcome = lab::run_playground(config);
    const io::RunFolder folder = flags->run_dir.empty() ? io::RunFolder::create(config.out, "optimize")
                                                        : io::RunFolder::create_new(flags->run_dir);
    const auto began = std::chrono::steady_clock::now();
    const lab::PlaygroundFiles files = lab::write_playground_outputs(outcome, config, folder.dir());
    const double writing = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    std::cout << fmt::format("nnlab optimize: {} from ({}, {}), {} steps\n", outcome.function.name, outcome.start.x,
                             outcome.start.y, outcome.steps)
              << result_table(outcome);
    for (const std::string& note : files.notes) std::cout << "skipped " << note << '\n';
    std::cout << timing_line(outcome, writing) << "run folder: " << folder.dir().string() << '\n';
    // A diverged optimiser is a result of the comparison, not a failure of the command.
    status = 0;
  });
}

}  // namespace nnlab::cli
