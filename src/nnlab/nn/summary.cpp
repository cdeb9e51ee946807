// Model summary table.
#include "nnlab/nn/summary.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "nnlab/autograd/grad_mode.h"

namespace nnlab::nn {

std::string summary(Sequential& model, const Shape& input_shape, DType dtype) {
  struct Row {
    std::string layer, shape, params;
  };
  std::vector<Row> rows{{"Layer", "Output shape", "Params"}};
  const bool was_training = model.is_training();
  model.eval();
  {
    autograd::NoGradGuard no_grad;
    Tensor x = Tensor::zeros(input_shape, dtype);
    rows.push_back({"Input", input_shape.to_string(), ""});
    for (std::size_t i = 0; i < model.size(); ++i) {
      Module& layer = model[i];
      x = layer(x);
      rows.push_back({fmt::format("{}: {}", i, layer.describe()), x.shape().to_string(),
                      fmt::format("{}", layer.parameter_count())});
    }
  }
  model.train(was_training);
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
  const std::int64_t total = model.parameter_count(), trainable = model.parameter_count(true);
  out += rule + "\n";
  out += fmt::format("Total params: {}\nTrainable params: {}\nNon-trainable params: {}\n", total, trainable,
                     total - trainable);
  return out;
}

}  // namespace nnlab::nn
