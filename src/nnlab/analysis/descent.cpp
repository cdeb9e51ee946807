// One optimiser's run on a function of two variables; see descent.h.
#include "nnlab/analysis/descent.h"

#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"

namespace nnlab::analysis {
namespace {

struct Evaluation {
  double value = 0.0;
  double dx = 0.0;  // df/dx, 0 where f does not depend on x
  double dy = 0.0;
};

Evaluation value_and_gradient(const Objective& f, const Tensor& x, const Tensor& y) {
  const Tensor value = f(x, y);
  NNLAB_CHECK(value.numel() == 1, ShapeError, "descend: the objective must return one value, got shape {}",
              value.shape());
  Evaluation e{.value = value.item()};
  if (value.requires_grad()) value.backward();  // a function of neither x nor y records no graph
  if (const Tensor g = x.grad(); g.defined()) e.dx = g.item();
  if (const Tensor g = y.grad(); g.defined()) e.dy = g.item();
  return e;
}

// "nan" for every NaN: fmt writes "-nan" for one whose sign bit is set, as log(-1) gives.
double unsigned_nan(double v) { return std::isnan(v) ? std::numeric_limits<double>::quiet_NaN() : v; }

// Why the iterate (x, y) with evaluation e ends the run, or "" when it does not.
std::string divergence(const Evaluation& e, double x, double y, double bound) {
  if (!std::isfinite(e.value)) return fmt::format("f = {}", unsigned_nan(e.value));
  if (!std::isfinite(e.dx) || !std::isfinite(e.dy)) {
    return fmt::format("the gradient is ({}, {})", unsigned_nan(e.dx), unsigned_nan(e.dy));
  }
  if (!(std::abs(x) <= bound)) return fmt::format("|x| > {:g}", bound);
  if (!(std::abs(y) <= bound)) return fmt::format("|y| > {:g}", bound);
  return {};
}

void record(Descent& run, std::int64_t step, double x, double y, double value) {
  run.steps.push_back(step);
  run.x.push_back(x);
  run.y.push_back(y);
  run.value.push_back(value);
}

}  // namespace

Descent descend(const Objective& f, Point2D start, const OptimizerFactory& make_optimizer,
                const DescentOptions& options) {
  NNLAB_CHECK(options.steps >= 0, ValueError, "descend: steps must be >= 0, got {}", options.steps);
  NNLAB_CHECK(options.record_every >= 1, ValueError, "descend: record_every must be >= 1, got {}",
              options.record_every);
  const Tensor x = Tensor::scalar(start.x, DType::f64).requires_grad_();
  const Tensor y = Tensor::scalar(start.y, DType::f64).requires_grad_();
  const std::unique_ptr<optim::Optimizer> optimizer = make_optimizer({x, y});
  Descent run;
  Point2D last_good = start;
  double last_value = 0.0;
  for (std::int64_t k = 0;; ++k) {
    const double px = x.item();
    const double py = y.item();
    optimizer->zero_grad();
    const Evaluation e = value_and_gradient(f, x, y);
    if (std::string why = divergence(e, px, py, options.bound); !why.empty()) {
      run.diverged = true;
      run.diverged_at = k;
      run.reason = std::move(why);
      // The last good iterate ends the path even when it fell between two recorded steps.
      if (k > 0 && run.steps.back() != k - 1) record(run, k - 1, last_good.x, last_good.y, last_value);
      break;
    }
    run.steps_run = k;
    run.gradient_norm = std::hypot(e.dx, e.dy);
    last_good = {px, py};
    last_value = e.value;
    if (k % options.record_every == 0 || k == options.steps) record(run, k, px, py, e.value);
    if (k == options.steps) break;
    optimizer->step();
  }
  return run;
}

}  // namespace nnlab::analysis
