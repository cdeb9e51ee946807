#include "nnlab/autograd/gradcheck.h"

#include <cmath>

#include <fmt/format.h>

#include "nnlab/autograd/engine.h"
#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/core/rng.h"

namespace nnlab::autograd {
namespace {

constexpr std::int64_t kFullJacobianLimit = 20000;  // outputs x inputs
constexpr std::int64_t kFullJacobianMaxOutputs = 256;

double* element(const Tensor& t, std::int64_t linear) {
  std::int64_t offset = 0;
  for (int d = t.dim() - 1; d >= 0; --d) {
    offset += (linear % t.shape()[d]) * t.strides()[d];
    linear /= t.shape()[d];
  }
  return static_cast<double*>(t.data_ptr()) + offset;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Directions v: the analytic side computes J^T v by backward, the numeric side d(v . f)/dx.
std::vector<std::vector<double>> directions(std::int64_t n_out, bool full, std::uint64_t seed) {
  std::vector<std::vector<double>> dirs;
  if (full) {
    for (std::int64_t j = 0; j < n_out; ++j) {
      dirs.emplace_back(static_cast<std::size_t>(n_out), 0.0);
      dirs.back()[j] = 1.0;
    }
  } else {
    Rng rng(seed);
    dirs.emplace_back(static_cast<std::size_t>(n_out));
    rng.fill_normal(std::span<double>(dirs.back()), 0.0, 1.0);
  }
  return dirs;
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFn& fn, const std::vector<Tensor>& inputs, const GradcheckOptions& options) {
  std::vector<int> checked;
  std::int64_t n_in = 0;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (!inputs[k].defined() || !inputs[k].requires_grad()) continue;
    NNLAB_CHECK(inputs[k].dtype() == DType::f64, DTypeError, "gradcheck: input {} must be float64, got {}", k,
                inputs[k].dtype());
    checked.push_back(static_cast<int>(k));
    n_in += inputs[k].numel();
  }
  NNLAB_CHECK(!checked.empty(), ValueError, "gradcheck: no input requires grad");

  const Tensor probe = fn(inputs);
  NNLAB_CHECK(probe.dtype() == DType::f64, DTypeError, "gradcheck: the function must return float64, got {}",
              probe.dtype());
  const std::int64_t n_out = probe.numel();
  const bool full = n_out * n_in <= kFullJacobianLimit && n_out <= kFullJacobianMaxOutputs;
  const auto dirs = directions(n_out, full, options.seed);

  // analytic[d][k][i]: (J^T v_d) for input checked[k], element i.
  std::vector<std::vector<std::vector<double>>> analytic(dirs.size());
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    for (int k : checked) inputs[k].zero_grad();
    const Tensor out = fn(inputs);
    if (out.requires_grad()) out.backward(Tensor::from_doubles(dirs[d], out.shape(), DType::f64));
    for (int k : checked) {
      const Tensor g = inputs[k].grad();
      analytic[d].push_back(g.defined() ? g.to_vector<double>()
                                        : std::vector<double>(static_cast<std::size_t>(inputs[k].numel()), 0.0));
    }
  }
  for (int k : checked) inputs[k].zero_grad();

  NoGradGuard no_grad;
  double worst_excess = 0.0;
  std::string worst;
  for (std::size_t c = 0; c < checked.size(); ++c) {
    const Tensor& x = inputs[checked[c]];
    for (std::int64_t i = 0; i < x.numel(); ++i) {
      double* value = element(x, i);
      const double saved = *value;
      *value = saved + options.eps;
      const std::vector<double> plus = fn(inputs).to_vector<double>();
      *value = saved - options.eps;
      const std::vector<double> minus = fn(inputs).to_vector<double>();
      *value = saved;
      for (std::size_t d = 0; d < dirs.size(); ++d) {
        const double numeric = (dot(plus, dirs[d]) - dot(minus, dirs[d])) / (2.0 * options.eps);
        const double got = analytic[d][c][static_cast<std::size_t>(i)];
        const double excess = std::abs(got - numeric) - (options.atol + options.rtol * std::abs(numeric));
        if (excess > worst_excess || !std::isfinite(got)) {
          worst_excess = std::isfinite(got) ? excess : INFINITY;
          worst = fmt::format("gradcheck: input {} element {}{}: analytic {:.10g}, numeric {:.10g}", checked[c], i,
                              full ? fmt::format(" (output element {})", d) : std::string(" (random projection)"),
                              got, numeric);
        }
      }
    }
  }
  if (worst_excess > 0.0) return {false, worst};
  return {true, ""};
}

}  // namespace nnlab::autograd
