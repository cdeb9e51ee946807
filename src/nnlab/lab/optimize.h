#pragma once
// The optimiser playground (`nnlab optimize`, E12): several optimisers of optim/ minimise one
// function of x and y from one start, in float64; each run's path is recorded, tabulated and
// drawn into a run folder (optimize_outputs.h).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/analysis/descent.h"
#include "nnlab/analysis/expression.h"
#include "nnlab/io/optimize_config.h"

namespace nnlab::lab {

// A run ends "converged" when it is this close to a known minimum, or, where none is known, when
// its gradient's norm is below kConvergedGradient.
inline constexpr double kConvergedDistance = 1e-3;
inline constexpr double kConvergedGradient = 1e-6;

// The function of a playground, resolved from the config.
struct PlaygroundFunction {
  std::string name = {};  // "rosenbrock", or the expression's text
  analysis::Expression expression = {};
  std::vector<analysis::Point2D> minima = {};                  // may be empty: an expression without a known minimum
  std::optional<std::array<double, 4>> window = std::nullopt;  // x_min, x_max, y_min, y_max to show
};

struct OptimizerRun {
  io::OptimizerSpec spec = {};
  analysis::Descent descent = {};
  double distance = 0.0;  // from the last iterate to the nearest minimum; NaN when none is known
  bool converged = false;
  double seconds = 0.0;  // wall time of the run (not written to files, which stay reproducible)

  // "converged", "not converged" or "diverged at step 812 (f = inf)".
  std::string status() const;
};

struct PlaygroundOutcome {
  PlaygroundFunction function = {};
  analysis::Point2D start = {};
  std::int64_t steps = 0;
  std::vector<OptimizerRun> runs = {};
};

// The function a config names: a named function (analysis/named_functions.h) when one has that
// name, else an expression; the config's minima and window replace the named function's.
// Throws ConfigError for an empty function, a parse error (with its column), an expression of
// numbers only, a non-finite minimum.
PlaygroundFunction resolve_function(const io::OptimizeConfig& config);

// The start: the config's, or the named function's. Throws ConfigError when there is none (an
// expression needs one), or when f or its gradient is not finite there.
analysis::Point2D resolve_start(const io::OptimizeConfig& config, const PlaygroundFunction& function);

// The optimiser of optim/ that `spec` describes (gd and momentum are SGD; nesterov is SGD with
// nesterov = true), over `params`.
std::unique_ptr<optim::Optimizer> build_playground_optimizer(const io::OptimizerSpec& spec, std::vector<Tensor> params);

// The distance from `point` to the nearest of `minima`; NaN for none.
double distance_to_nearest(analysis::Point2D point, const std::vector<analysis::Point2D>& minima);

// One optimiser's run. Paths of over a million steps are recorded at every k-th step.
OptimizerRun run_optimizer(const PlaygroundFunction& function, analysis::Point2D start, const io::OptimizerSpec& spec,
                           std::int64_t steps);

// Every optimiser of the config in turn, after resolving and checking the function and start
// (ConfigError as above, and when the config has no optimiser). A run that diverges is reported
// in its OptimizerRun; the others still run.
PlaygroundOutcome run_playground(const io::OptimizeConfig& config);

}  // namespace nnlab::lab
