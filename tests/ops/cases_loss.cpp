// Op-table lines for the loss functions (see op_cases.h). The sweep gives every input a
// gradient, so class-index targets (int64, no gradient) are built inside each line.
#include "nnlab/ops/loss.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

using ops::Reduction;

// Targets for a (4, 5) input: rows of classes 1, 4, 0, 2.
Tensor targets() { return Tensor::from_vector<std::int64_t>({1, 4, 0, 2}, {4}); }

const RegisterOpCases kLossCases({
    {.name = "cross_entropy", .shapes = {{4, 5}},
     .fn = [](const auto& in) { return ops::cross_entropy(in[0], targets()); }},
    {.name = "cross_entropy_smoothing", .shapes = {{4, 5}},
     .fn = [](const auto& in) { return ops::cross_entropy(in[0], targets(), {.label_smoothing = 0.1}); }},
    {.name = "cross_entropy_sum", .shapes = {{4, 5}},
     .fn = [](const auto& in) { return ops::cross_entropy(in[0], targets(), {.reduction = Reduction::sum}); }},
    {.name = "cross_entropy_none", .shapes = {{4, 5}},
     .fn = [](const auto& in) { return ops::cross_entropy(in[0], targets(), {.reduction = Reduction::none}); }},
    {.name = "cross_entropy_ignore_index", .shapes = {{4, 5}},
     .fn = [](const auto& in) {
       return ops::cross_entropy(in[0], Tensor::from_vector<std::int64_t>({1, -100, 0, 2}, {4}));
     }},
    {.name = "nll_loss", .shapes = {{4, 5}}, .fn = [](const auto& in) { return ops::nll_loss(in[0], targets()); }},
    {.name = "nll_loss_sum", .shapes = {{4, 5}},
     .fn = [](const auto& in) { return ops::nll_loss(in[0], targets(), Reduction::sum); }},
    {.name = "bce_with_logits", .shapes = {{3, 4}, {3, 4}},
     .fn = [](const auto& in) { return ops::binary_cross_entropy_with_logits(in[0], in[1]); }},
    {.name = "bce_with_logits_none", .shapes = {{3, 4}, {3, 4}},
     .fn = [](const auto& in) { return ops::binary_cross_entropy_with_logits(in[0], in[1], Reduction::none); }},
    {.name = "mse_loss", .shapes = {{3, 4}, {3, 4}}, .fn = [](const auto& in) { return ops::mse_loss(in[0], in[1]); }},
    {.name = "mse_loss_sum", .shapes = {{3, 4}, {3, 4}},
     .fn = [](const auto& in) { return ops::mse_loss(in[0], in[1], Reduction::sum); }},
    {.name = "l1_loss", .shapes = {{3, 4}, {3, 4}}, .fn = [](const auto& in) { return ops::l1_loss(in[0], in[1]); }},
    {.name = "l1_loss_none", .shapes = {{3, 4}, {3, 4}},
     .fn = [](const auto& in) { return ops::l1_loss(in[0], in[1], Reduction::none); }},
    {.name = "multi_margin_loss", .shapes = {{4, 5}},
     .fn = [](const auto& in) { return ops::multi_margin_loss(in[0], targets()); }},
    {.name = "multi_margin_loss_p2", .shapes = {{4, 5}},
     .fn = [](const auto& in) { return ops::multi_margin_loss(in[0], targets(), /*p=*/2, /*margin=*/0.5); }},
    {.name = "perceptron_loss", .shapes = {{4, 5}},
     .fn = [](const auto& in) { return ops::perceptron_loss(in[0], targets()); }},
});

}  // namespace
}  // namespace nnlab::testing
