// The optimiser playground: resolving the function and start, building each optimiser, running them.
#include "nnlab/lab/optimize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnlab/analysis/named_functions.h"
#include "nnlab/core/check.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/optim/adagrad.h"
#include "nnlab/optim/adam.h"
#include "nnlab/optim/rmsprop.h"
#include "nnlab/optim/sgd.h"

namespace nnlab::lab {
namespace {

using analysis::Point2D;

// Paths are recorded at every step up to this many steps, and thinned to about this many points
// above it: 24 bytes a point, so at most ~24 MB per optimiser.
constexpr std::int64_t kMaxRecordedPoints = 1'000'000;

std::vector<std::string> named_names() {
  std::vector<std::string> names;
  for (const analysis::NamedFunction& f : analysis::named_functions()) names.emplace_back(f.name);
  return names;
}

std::string named_list() { return fmt::format("{}", fmt::join(named_names(), ", ")); }

}  // namespace

std::string OptimizerRun::status() const {
  if (descent.diverged) return fmt::format("diverged at step {} ({})", descent.diverged_at, descent.reason);
  return converged ? "converged" : "not converged";
}

PlaygroundFunction resolve_function(const io::OptimizeConfig& config) {
  NNLAB_CHECK(!config.function.empty(), ConfigError,
              "optimize: no function: give --function NAME or --function EXPRESSION (or [function] name / "
              "expression in the config); the named ones are {}",
              named_list());
  PlaygroundFunction function;
  function.name = config.function;
  if (const analysis::NamedFunction* named = analysis::find_named_function(config.function)) {
    function.expression = analysis::parse_expression(named->expression);
    for (const Point2D& m : named->minima) function.minima.push_back(m);
    function.window = named->window;
  } else {
    try {
      function.expression = analysis::parse_expression(config.function);
    } catch (const ConfigError& error) {
      // A single word is more likely a misspelt name than an expression.
      const bool word = config.function.find_first_of("+-*/^() ") == std::string::npos;
      if (!word) throw;
      throw ConfigError(fmt::format("{}; '{}' is not a named function either (named: {}){}", error.what(),
                                    config.function, named_list(),
                                    io::schema::did_you_mean(config.function, named_names())));
    }
    NNLAB_CHECK(function.expression.depends_on_xy(), ConfigError,
                "optimize: the function '{}' depends on neither x nor y, so there is nothing to minimise",
                config.function);
  }
  if (!config.minima.empty()) function.minima = config.minima;
  for (const Point2D& m : function.minima) {
    NNLAB_CHECK(std::isfinite(m.x) && std::isfinite(m.y), ConfigError,
                "optimize: a minimum must be a finite point, got ({}, {})", m.x, m.y);
  }
  if (config.window) function.window = config.window;
  return function;
}

Point2D resolve_start(const io::OptimizeConfig& config, const PlaygroundFunction& function) {
  const analysis::NamedFunction* named = analysis::find_named_function(config.function);
  NNLAB_CHECK(config.start || named != nullptr, ConfigError,
              "optimize: an expression needs a start point: give --start X,Y (or [function] start = [x, y])");
  const Point2D start = config.start ? *config.start : named->start;
  const Tensor x = Tensor::scalar(start.x, DType::f64).requires_grad_();
  const Tensor y = Tensor::scalar(start.y, DType::f64).requires_grad_();
  const Tensor value = analysis::evaluate(function.expression, x, y);
  // One NaN spelling in messages: fmt writes "-nan" for one whose sign bit is set (log(-1)).
  const auto unsigned_nan = [](double v) { return std::isnan(v) ? std::numeric_limits<double>::quiet_NaN() : v; };
  const double f = unsigned_nan(value.item());
  NNLAB_CHECK(std::isfinite(f), ConfigError,
              "optimize: f must be finite at the start, got f({}, {}) = {} for '{}'; choose another --start", start.x,
              start.y, f, function.name);
  if (value.requires_grad()) value.backward();
  const double dx = unsigned_nan(x.grad().defined() ? x.grad().item() : 0.0);
  const double dy = unsigned_nan(y.grad().defined() ? y.grad().item() : 0.0);
  NNLAB_CHECK(std::isfinite(dx) && std::isfinite(dy), ConfigError,
              "optimize: the gradient must be finite at the start, got ({}, {}) at ({}, {}) for '{}'; choose another "
              "--start",
              dx, dy, start.x, start.y, function.name);
  return start;
}

std::unique_ptr<optim::Optimizer> build_playground_optimizer(const io::OptimizerSpec& spec,
                                                             std::vector<Tensor> params) {
  const double weight_decay = spec.get("weight_decay");
  if (spec.name == "gd") {
    return std::make_unique<optim::SGD>(std::move(params),
                                        optim::SGDOptions{.lr = spec.get("lr"), .weight_decay = weight_decay});
  }
  if (spec.name == "momentum" || spec.name == "nesterov") {
    const bool nesterov = spec.name == "nesterov";
    return std::make_unique<optim::SGD>(std::move(params),
                                        optim::SGDOptions{.lr = spec.get("lr"),
                                                          .momentum = spec.get("momentum"),
                                                          .dampening = nesterov ? 0.0 : spec.get("dampening"),
                                                          .weight_decay = weight_decay,
                                                          .nesterov = nesterov});
  }
  if (spec.name == "adam") {
    return std::make_unique<optim::Adam>(std::move(params),
                                         optim::AdamOptions{.lr = spec.get("lr"),
                                                            .betas = {spec.get("beta1"), spec.get("beta2")},
                                                            .eps = spec.get("eps"),
                                                            .weight_decay = weight_decay});
  }
  if (spec.name == "rmsprop") {
    return std::make_unique<optim::RMSprop>(std::move(params), optim::RMSpropOptions{.lr = spec.get("lr"),
                                                                                     .alpha = spec.get("alpha"),
                                                                                     .eps = spec.get("eps"),
                                                                                     .weight_decay = weight_decay,
                                                                                     .momentum = spec.get("momentum")});
  }
  NNLAB_CHECK(spec.name == "adagrad", ConfigError, "optimize: unknown optimiser '{}'", spec.name);
  return std::make_unique<optim::Adagrad>(
      std::move(params), optim::AdagradOptions{.lr = spec.get("lr"),
                                               .lr_decay = spec.get("lr_decay"),
                                               .weight_decay = weight_decay,
                                               .initial_accumulator_value = spec.get("initial_accumulator_value"),
                                               .eps = spec.get("eps")});
}

double distance_to_nearest(Point2D point, const std::vector<Point2D>& minima) {
  double nearest = std::numeric_limits<double>::quiet_NaN();
  for (const Point2D& m : minima) {
    const double d = std::hypot(point.x - m.x, point.y - m.y);
    if (!(d >= nearest)) nearest = d;  // also replaces the first NaN
  }
  return nearest;
}

OptimizerRun run_optimizer(const PlaygroundFunction& function, Point2D start, const io::OptimizerSpec& spec,
                           std::int64_t steps) {
  const analysis::Expression& expression = function.expression;
  const analysis::Objective objective = [&expression](const Tensor& x, const Tensor& y) {
    return analysis::evaluate(expression, x, y);
  };
  const analysis::OptimizerFactory make = [&spec](std::vector<Tensor> params) {
    return build_playground_optimizer(spec, std::move(params));
  };
  const std::int64_t record_every = (steps + kMaxRecordedPoints - 1) / kMaxRecordedPoints;
  OptimizerRun run;
  run.spec = spec;
  const auto began = std::chrono::steady_clock::now();
  run.descent = analysis::descend(objective, start, make,
                                  {.steps = steps, .record_every = std::max<std::int64_t>(record_every, 1)});
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const analysis::Descent& d = run.descent;
  const Point2D last = d.x.empty() ? start : Point2D{d.x.back(), d.y.back()};
  run.distance = distance_to_nearest(last, function.minima);
  run.converged = !d.diverged &&
                  (function.minima.empty() ? d.gradient_norm < kConvergedGradient : run.distance < kConvergedDistance);
  return run;
}

PlaygroundOutcome run_playground(const io::OptimizeConfig& config) {
  PlaygroundOutcome outcome;
  outcome.function = resolve_function(config);
  outcome.start = resolve_start(config, outcome.function);
  NNLAB_CHECK(!config.optimizers.empty(), ConfigError,
              "optimize: no optimiser: give --optimizer NAME:KEY=VALUE,... (e.g. --optimizer adam:lr=0.001), or "
              "[[optimizer]] tables in the config");
  NNLAB_CHECK(config.steps >= 1, ConfigError, "optimize: steps must be >= 1, got {}", config.steps);
  outcome.steps = config.steps;
  std::vector<io::OptimizerSpec> specs = config.optimizers;
  io::finish_labels(specs);
  for (const io::OptimizerSpec& spec : specs) {
    outcome.runs.push_back(run_optimizer(outcome.function, outcome.start, spec, config.steps));
  }
  return outcome;
}

}  // namespace nnlab::lab
