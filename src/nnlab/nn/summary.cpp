// Model summary table.
#include "nnlab/nn/summary.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"

namespace nnlab::nn {
namespace {

struct Row {
  std::string layer, shape, params;
};

// Puts the model in eval mode for the guard's lifetime, then back to the mode it was in.
class EvalGuard {
 public:
  explicit EvalGuard(Module& model) : model_(model), was_training_(model.is_training()) { model_.eval(); }
  ~EvalGuard() { model_.train(was_training_); }
  EvalGuard(const EvalGuard&) = delete;
  EvalGuard& operator=(const EvalGuard&) = delete;

 private:
  Module& model_;
  bool was_training_;
};

// One row per top-level child, from applying the children in order to `input`; `expected` is
// the model's own output, which the chain must reproduce in shape.
void child_rows(const Module& model, const Tensor& input, const Tensor& expected, std::vector<Row>& rows) {
  Tensor x = input;
  for (const auto& [name, child] : model.children()) {
    try {
      x = child->forward(x);
    } catch (const Error& e) {
      throw ValueError(fmt::format(
          "summary: expected {}'s forward to apply its children in order, but child '{}' fails on the previous "
          "child's output: {}",
          model.describe(), name, e.what()));
    }
    rows.push_back({fmt::format("{}: {}", name, child->describe()), x.shape().to_string(),
                    fmt::format("{}", child->parameter_count())});
  }
  NNLAB_CHECK(x.shape() == expected.shape(), ValueError,
              "summary: expected {}'s children applied in order to give its output shape {}, got {}", model.describe(),
              expected.shape(), x.shape());
}

std::string format_table(const std::vector<Row>& rows) {
  std::size_t w0 = 0, w1 = 0, w2 = 0;
  for (const Row& row : rows) {
    w0 = std::max(w0, row.layer.size());
    w1 = std::max(w1, row.shape.size());
    w2 = std::max(w2, row.params.size());
  }
  const std::string rule(w0 + w1 + w2 + 4, '-');
  std::string out = rule + "\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line = fmt::format("{:<{}}  {:<{}}  {:>{}}", rows[r].layer, w0, rows[r].shape, w1, rows[r].params, w2);
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
    if (r == 0) out += rule + "\n";
  }
  return out + rule + "\n";
}

}  // namespace

std::string summary(Module& model, const Shape& input_shape, DType dtype) {
  std::vector<Row> rows{{"Layer", "Output shape", "Params"}, {"Input", input_shape.to_string(), ""}};
  {
    const EvalGuard eval(model);
    autograd::NoGradGuard no_grad;
    const Tensor input = Tensor::zeros(input_shape, dtype);
    const Tensor output = model(input);
    if (model.children().empty()) {
      rows.push_back({model.describe(), output.shape().to_string(), fmt::format("{}", model.parameter_count())});
    } else {
      child_rows(model, input, output, rows);
    }
  }
  const std::int64_t total = model.parameter_count(), trainable = model.parameter_count(true);
  return format_table(rows) + fmt::format("Total params: {}\nTrainable params: {}\nNon-trainable params: {}\n", total,
                                          trainable, total - trainable);
}

}  // namespace nnlab::nn
