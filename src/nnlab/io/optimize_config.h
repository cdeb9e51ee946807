#pragma once
// The settings of `nnlab optimize`: a function of x and y, a start, a step count and the
// optimisers to run from it, read from a TOML file or from flags (which override the file).
//
//   [function]
//   name = "rosenbrock"          # a named function, or: expression = "(1-x)^2 + 100*(y-x^2)^2"
//   start = [-4.0, -2.0]
//   minimum = [1.0, 1.0]         # optional; several: [[3.0, 2.0], [-2.8, 3.1]]
//   steps = 100000
//   window = [-5.0, 3.0, -3.0, 17.0]   # optional: the contour plot's x_min, x_max, y_min, y_max
//
//   [[optimizer]]
//   name = "momentum"            # gd, momentum, nesterov, adam, rmsprop, adagrad
//   lr = 1e-4
//   momentum = 0.9
//   label = "heavy ball"         # optional: the name in the legend and the table
//
//   out = "runs"                 # optional, before the tables: the run folder's parent
//
// On the command line an optimiser reads NAME:KEY=VALUE,KEY=VALUE, e.g. adam:lr=1e-4,beta2=0.99.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nnlab/analysis/point2d.h"

namespace nnlab::io {

using analysis::Point2D;

// One optimiser of the playground with its settings as given; every key is one the optimiser
// takes (optimizer_keys), every value in its range.
struct OptimizerSpec {
  std::string name = {};
  std::vector<std::pair<std::string, double>> settings = {};  // in the order written
  std::string label = {};                                     // "adam lr=0.0001 beta2=0.99" unless one was given

  // The setting of `key`, or its default (the optimiser's own in torch; lr has none for gd,
  // momentum and nesterov, and momentum is 0.9 for the last two). Throws ConfigError for a key
  // the optimiser does not take, or a missing lr without a default.
  double get(std::string_view key) const;
  // Every key the optimiser takes with its value here: the setting, or its default.
  std::vector<std::pair<std::string, double>> effective() const;
};

struct OptimizeConfig {
  std::string function = {};                                   // a named function ("rosenbrock") or an expression
  std::optional<Point2D> start = std::nullopt;                 // none: the named function's default start
  std::vector<Point2D> minima = {};                            // none: the named function's, or unknown
  std::int64_t steps = 10'000;                                 // >= 1
  std::optional<std::array<double, 4>> window = std::nullopt;  // x_min < x_max, y_min < y_max
  std::vector<OptimizerSpec> optimizers = {};
  std::string out = "runs";  // the run folder's parent
};

// The optimiser names and each one's keys, for help text: "gd: lr, weight_decay".
std::vector<std::string> optimizer_keys();

// Reads a config file. Throws ConfigError naming the file, line and key for an unknown key, a
// value of the wrong type or out of range, an optimiser without a name or with a key it does not
// take; IoError when the file cannot be read.
OptimizeConfig load_optimize_config(const std::filesystem::path& path);
// The same from text; `source` names it in errors.
OptimizeConfig parse_optimize_config(std::string_view text, const std::string& source);

// "adam:lr=1e-4,beta2=0.99" (or just "adam"), checked as a file's [[optimizer]] is.
// Throws ConfigError naming the text.
OptimizerSpec parse_optimizer_spec(std::string_view text);
// "X,Y" as two finite numbers; `what` names the flag in errors ("--start").
Point2D parse_point(std::string_view text, std::string_view what);
// "X,Y" or several points separated by ';': "3,2; -2.8,3.1".
std::vector<Point2D> parse_points(std::string_view text, std::string_view what);
// "X_MIN,X_MAX,Y_MIN,Y_MAX" with x_min < x_max and y_min < y_max.
std::array<double, 4> parse_window(std::string_view text, std::string_view what);

// The config as a file that parse_optimize_config reads back equal: [function] (name for a named
// function, else expression), its optional keys where set, and one [[optimizer]] per optimiser.
std::string to_toml(const OptimizeConfig& config);

// Gives every optimiser without a label its default one, and numbers repeated labels
// ("adam lr=0.001 (2)") so that legends and tables tell the runs apart.
void finish_labels(std::vector<OptimizerSpec>& optimizers);

}  // namespace nnlab::io
