// Op-table lines for the elementwise math ops (see op_cases.h).
#include "nnlab/ops/math.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

const RegisterOpCases kMathCases({
    {.name = "exp", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::exp(in[0]); }},
    {.name = "log", .shapes = {{3, 4}}, .domain = Domain::positive,
     .fn = [](const auto& in) { return ops::log(in[0]); }},
    {.name = "sqrt", .shapes = {{3, 4}}, .domain = Domain::positive,
     .fn = [](const auto& in) { return ops::sqrt(in[0]); }},
    {.name = "pow_scalar", .shapes = {{3, 4}}, .domain = Domain::positive,
     .fn = [](const auto& in) { return ops::pow(in[0], 2.5); }},
    {.name = "pow_tensor", .shapes = {{3, 4}, {4}}, .domain = Domain::positive,
     .fn = [](const auto& in) { return ops::pow(in[0], in[1]); }},
    {.name = "abs", .shapes = {{3, 4}}, .domain = Domain::away_from_zero,
     .fn = [](const auto& in) { return ops::abs(in[0]); }},
    {.name = "sign", .shapes = {{3, 4}}, .domain = Domain::away_from_zero,
     .fn = [](const auto& in) { return ops::sign(in[0]); }},
    {.name = "clamp", .shapes = {{3, 4}}, .domain = Domain::away_from_zero,
     .fn = [](const auto& in) { return ops::clamp(in[0], -0.5, 0.8); }},
    {.name = "square", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::square(in[0]); }},
    {.name = "reciprocal", .shapes = {{3, 4}}, .domain = Domain::positive,
     .fn = [](const auto& in) { return ops::reciprocal(in[0]); }},
    {.name = "sin", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::sin(in[0]); }},
    {.name = "cos", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::cos(in[0]); }},
});

}  // namespace
}  // namespace nnlab::testing
