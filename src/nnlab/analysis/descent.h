#pragma once
// Minimising a function of x and y with an optimiser of optim/, exactly as training does: the
// point is two float64 scalar parameters, and each step is zero_grad, f(x, y), backward, step.
// The run records its path and stops where it diverges.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/analysis/point2d.h"
#include "nnlab/optim/optimizer.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::analysis {

// f(x, y) from two float64 scalars, recording a graph (e.g. analysis::evaluate on an Expression).
using Objective = std::function<Tensor(const Tensor& x, const Tensor& y)>;
// A new optimiser over the parameters {x, y}.
using OptimizerFactory = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor> params)>;

struct DescentOptions {
  std::int64_t steps = 0;         // updates to make, >= 0
  std::int64_t record_every = 1;  // keep every k-th point of the path (the start and the last are always kept)
  // A point farther than this from the origin in x or y has diverged, even where f is still finite.
  double bound = 1e10;
};

// The iterates p_0 = start, p_1, ... (p_k after k updates) at the recorded steps, with f and the
// gradient's norm there. A run that diverges stops at the first iterate whose f or gradient is
// not finite, or that leaves the bound; that iterate is not recorded.
struct Descent {
  std::vector<std::int64_t> steps = {};  // increasing: 0, record_every, 2 record_every, ..., the last
  std::vector<double> x = {};
  std::vector<double> y = {};
  std::vector<double> value = {};
  std::int64_t steps_run = 0;  // updates made: the last recorded iterate is p_steps_run
  double gradient_norm = 0.0;  // |grad f| at the last recorded iterate
  bool diverged = false;
  std::int64_t diverged_at = 0;  // the first bad iterate's step
  std::string reason = {};       // why it is bad: "f = inf", "the gradient is NaN", "|x| > 1e+10"
};

// Runs `options.steps` updates of the optimiser that `make_optimizer` builds over {x, y}, from
// `start`. The objective is evaluated steps + 1 times: at every iterate, the last one included
// (without an update). A parameter that f does not depend on gets no gradient and stays put.
// Throws ValueError for steps < 0 or record_every < 1; whatever f or the optimiser throw passes.
Descent descend(const Objective& f, Point2D start, const OptimizerFactory& make_optimizer,
                const DescentOptions& options);

}  // namespace nnlab::analysis
