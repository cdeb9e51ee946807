// Op-table lines for batch_norm (see op_cases.h): training on (N, C), (N, C, L) and
// (N, C, H, W) with and without the affine transform, and eval on fixed running statistics.
// Training lines make fresh running statistics per call, so repeated calls give equal outputs.
#include "nnlab/ops/batch_norm.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

// The running statistics of the eval line; gen_ops.py uses the same numbers.
Tensor eval_running_mean(DType dtype) { return Tensor::from({0.1, -0.2, 0.3}, dtype); }
Tensor eval_running_var(DType dtype) { return Tensor::from({0.5, 1.5, 2.0}, dtype); }

Tensor train(const std::vector<Tensor>& in, bool affine) {
  const std::int64_t channels = in[0].size(1);
  const Tensor running_mean = Tensor::zeros({channels}, in[0].dtype());
  const Tensor running_var = Tensor::ones({channels}, in[0].dtype());
  return ops::batch_norm(in[0], running_mean, running_var, affine ? in[1] : Tensor(), affine ? in[2] : Tensor(),
                         /*training=*/true);
}

const RegisterOpCases kNormCases({
    {.name = "batch_norm_train", .shapes = {{4, 3}}, .fn = [](const auto& in) { return train(in, false); }},
    {.name = "batch_norm_train_affine", .shapes = {{4, 3}, {3}, {3}},
     .fn = [](const auto& in) { return train(in, true); }},
    {.name = "batch_norm_eval", .shapes = {{4, 3}, {3}, {3}},
     .fn = [](const auto& in) {
       return ops::batch_norm(in[0], eval_running_mean(in[0].dtype()), eval_running_var(in[0].dtype()), in[1],
                              in[2], /*training=*/false);
     }},
    {.name = "batch_norm_3d", .shapes = {{4, 3, 5}, {3}, {3}}, .fn = [](const auto& in) { return train(in, true); }},
    {.name = "batch_norm_4d", .shapes = {{2, 3, 2, 3}, {3}, {3}}, .fn = [](const auto& in) { return train(in, true); }},
});

}  // namespace
}  // namespace nnlab::testing
