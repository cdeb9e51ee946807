// Op-table lines for the activation functions (see op_cases.h).
#include "nnlab/ops/activation.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

const RegisterOpCases kActivationCases({
    {.name = "tanh", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::tanh(in[0]); }},
    {.name = "sigmoid", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::sigmoid(in[0]); }},
    {.name = "relu", .shapes = {{3, 4}}, .domain = Domain::away_from_zero,
     .fn = [](const auto& in) { return ops::relu(in[0]); }},
    {.name = "leaky_relu", .shapes = {{3, 4}}, .domain = Domain::away_from_zero,
     .fn = [](const auto& in) { return ops::leaky_relu(in[0], 0.2); }},
    {.name = "elu", .shapes = {{3, 4}}, .domain = Domain::away_from_zero,
     .fn = [](const auto& in) { return ops::elu(in[0], 0.7); }},
    {.name = "gelu", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::gelu(in[0]); }},
    {.name = "gelu_tanh", .shapes = {{3, 4}},
     .fn = [](const auto& in) { return ops::gelu(in[0], ops::GeluApproximate::tanh); }},
    {.name = "softplus", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::softplus(in[0], 2.0, 1.0); }},
    {.name = "quadratic", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::quadratic(in[0]); }},
});

}  // namespace
}  // namespace nnlab::testing
