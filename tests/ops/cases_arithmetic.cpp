// Op-table lines for arithmetic and shape ops (see op_cases.h).
#include "nnlab/ops/arithmetic.h"
#include "nnlab/ops/shape_ops.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

const RegisterOpCases kArithmeticCases({
    {.name = "add", .shapes = {{3, 4}, {3, 4}}, .fn = [](const auto& in) { return ops::add(in[0], in[1]); }},
    {.name = "add_broadcast", .shapes = {{2, 3, 4}, {3, 1}}, .fn = [](const auto& in) { return ops::add(in[0], in[1]); }},
    {.name = "sub", .shapes = {{3, 4}, {4}}, .fn = [](const auto& in) { return ops::sub(in[0], in[1]); }},
    {.name = "mul", .shapes = {{3, 4}, {3, 4}}, .fn = [](const auto& in) { return ops::mul(in[0], in[1]); }},
    {.name = "mul_broadcast", .shapes = {{4, 1}, {1, 5}}, .fn = [](const auto& in) { return ops::mul(in[0], in[1]); }},
    {.name = "div", .shapes = {{3, 4}, {3, 4}}, .domain = Domain::positive,
     .fn = [](const auto& in) { return ops::div(in[0], in[1]); }},
    {.name = "neg", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::neg(in[0]); }},
    {.name = "maximum", .shapes = {{3, 4}, {3, 4}}, .fn = [](const auto& in) { return ops::maximum(in[0], in[1]); }},
    {.name = "minimum", .shapes = {{3, 4}, {4}}, .fn = [](const auto& in) { return ops::minimum(in[0], in[1]); }},
    {.name = "reshape", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::reshape(in[0], {2, 6}); }},
    {.name = "transpose", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::transpose(in[0], 0, 1); }},
    {.name = "narrow", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::narrow(in[0], 1, 1, 2); }},
    {.name = "expand", .shapes = {{3, 1}}, .fn = [](const auto& in) { return ops::expand(in[0], {2, 3, 4}); }},
});

}  // namespace
}  // namespace nnlab::testing
