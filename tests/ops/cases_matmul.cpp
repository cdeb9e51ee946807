// Op-table lines for matrix products (see op_cases.h).
#include "nnlab/ops/linear.h"
#include "nnlab/ops/matmul.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

const RegisterOpCases kMatmulCases({
    {.name = "matmul", .shapes = {{3, 4}, {4, 5}}, .fn = [](const auto& in) { return ops::matmul(in[0], in[1]); }},
    {.name = "matmul_batched", .shapes = {{2, 3, 4}, {2, 4, 5}},
     .fn = [](const auto& in) { return ops::matmul(in[0], in[1]); }},
    {.name = "linear", .shapes = {{3, 4}, {5, 4}, {5}},
     .fn = [](const auto& in) { return ops::linear(in[0], in[1], in[2]); }},
    {.name = "linear_no_bias", .shapes = {{3, 4}, {5, 4}},
     .fn = [](const auto& in) { return ops::linear(in[0], in[1]); }},
    {.name = "linear_relu", .shapes = {{3, 4}, {5, 4}, {5}},
     .fn = [](const auto& in) { return ops::linear_relu(in[0], in[1], in[2]); }},
});

}  // namespace
}  // namespace nnlab::testing
