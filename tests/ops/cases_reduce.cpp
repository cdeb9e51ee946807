// Op-table lines for reductions (see op_cases.h): every dim position, several dims, negative
// dims and keepdim. max/min use Domain::any: ties between random draws have probability zero.
#include "nnlab/ops/reduce.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

const RegisterOpCases kReduceCases({
    {.name = "sum_all", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::sum(in[0]); }},
    {.name = "sum_dim0", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::sum(in[0], 0); }},
    {.name = "sum_dim1", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::sum(in[0], 1); }},
    {.name = "sum_middle", .shapes = {{2, 3, 4}}, .fn = [](const auto& in) { return ops::sum(in[0], 1); }},
    {.name = "sum_dims_keepdim", .shapes = {{2, 3, 4}},
     .fn = [](const auto& in) { return ops::sum(in[0], {0, 2}, /*keepdim=*/true); }},
    {.name = "sum_negative_dim", .shapes = {{2, 3, 4}}, .fn = [](const auto& in) { return ops::sum(in[0], -1); }},
    {.name = "mean_all", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::mean(in[0]); }},
    {.name = "mean_dim1", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::mean(in[0], 1); }},
    {.name = "mean_dims", .shapes = {{2, 3, 4}}, .fn = [](const auto& in) { return ops::mean(in[0], {-1, 0}); }},
    {.name = "var_all", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::var(in[0]); }},
    {.name = "var_dim0", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::var(in[0], 0); }},
    {.name = "var_dim1_population_keepdim", .shapes = {{3, 4}},
     .fn = [](const auto& in) { return ops::var(in[0], 1, /*correction=*/0, /*keepdim=*/true); }},
    {.name = "var_dims", .shapes = {{2, 3, 4}}, .fn = [](const auto& in) { return ops::var(in[0], {0, 2}); }},
    {.name = "max_all", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::max(in[0]); }},
    {.name = "max_dim1", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::max(in[0], 1); }},
    {.name = "max_dims_keepdim", .shapes = {{2, 3, 4}},
     .fn = [](const auto& in) { return ops::max(in[0], {0, 2}, /*keepdim=*/true); }},
    {.name = "min_all", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::min(in[0]); }},
    {.name = "min_dim0", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::min(in[0], 0); }},
    {.name = "min_middle", .shapes = {{2, 3, 4}}, .fn = [](const auto& in) { return ops::min(in[0], -2); }},
});

}  // namespace
}  // namespace nnlab::testing
