// One optimiser's run on a function of two variables; see descent.h.
#include "nnlab/analysis/descent.h"

#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "nnlab/autograd/gradient_replay.h"
#include "nnlab/core/check.h"

namespace nnlab::analysis {
namespace {

struct Evaluation {
  double value = 0.0;
  double dx = 0.0;  // df/dx, 0 where f does not depend on x
  double dy = 0.0;
};

// f and its gradient at the current (x, y), the gradients zeroed before each call. The first
// call captures f's evaluation and backward and later calls replay it (autograd/gradient_replay.h:
// the same bits, a fraction of the time); where f cannot be captured, every call runs it eagerly.
class Evaluator {
 public:
  Evaluator(const Objective& f, Tensor x, Tensor y) : f_(f), x_(std::move(x)), y_(std::move(y)) {}

  Evaluation operator()() {
    if (replay_) return read(replay_->replay());
    if (first_) {
      first_ = false;
      try {
        replay_.emplace([this] { return objective(); });
        return read(replay_->value());
      } catch (const NotReplayableError&) {
        // f uses an op that does not replay, or depends on neither x nor y: eager from here on.
      }
    }
    const Tensor value = objective();
    if (value.requires_grad()) value.backward();  // a function of neither x nor y records no graph
    return read(value);
  }

 private:
  Tensor objective() const {
    Tensor value = f_(x_, y_);
    NNLAB_CHECK(value.numel() == 1, ShapeError, "descend: the objective must return one value, got shape {}",
                value.shape());
    return value;
  }

  Evaluation read(const Tensor& value) const {
    Evaluation e{.value = value.item()};
    if (const Tensor g = x_.grad(); g.defined()) e.dx = g.item();
    if (const Tensor g = y_.grad(); g.defined()) e.dy = g.item();
    return e;
  }

  const Objective& f_;
  Tensor x_, y_;
  bool first_ = true;
  std::optional<autograd::GradientReplay> replay_;
};

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
  Evaluator evaluate(f, x, y);
  Descent run;
  Point2D last_good = start;
  double last_value = 0.0;
  for (std::int64_t k = 0;; ++k) {
    const double px = x.item();
    const double py = y.item();
    optimizer->zero_grad();
    const Evaluation e = evaluate();
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
