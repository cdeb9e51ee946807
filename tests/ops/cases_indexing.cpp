// Op-table lines for joins, indexing and selection (see op_cases.h). Index and mask tensors
// are built inside the lambdas: every table input gets a gradient, and they must not.
#include <cstdint>
#include <vector>

#include "nnlab/ops/indexing.h"
#include "nnlab/ops/join.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

Tensor int64s(const std::vector<std::int64_t>& values, const Shape& shape) {
  return Tensor::from_vector(values, shape);
}

const RegisterOpCases kIndexingCases({
    {.name = "cat_dim0", .shapes = {{2, 3}, {4, 3}}, .fn = [](const auto& in) { return ops::cat({in[0], in[1]}, 0); }},
    {.name = "cat_dim1", .shapes = {{3, 2}, {3, 4}, {3, 1}},
     .fn = [](const auto& in) { return ops::cat({in[0], in[1], in[2]}, 1); }},
    {.name = "stack_dim0", .shapes = {{3, 4}, {3, 4}},
     .fn = [](const auto& in) { return ops::stack({in[0], in[1]}, 0); }},
    {.name = "stack_dim2", .shapes = {{2, 3}, {2, 3}, {2, 3}},
     .fn = [](const auto& in) { return ops::stack({in[0], in[1], in[2]}, 2); }},
    // Column 0 is picked twice, so its gradient sums two contributions.
    {.name = "index_select", .shapes = {{3, 5}},
     .fn = [](const auto& in) { return ops::index_select(in[0], 1, int64s({4, 0, 2, 0}, {4})); }},
    {.name = "gather", .shapes = {{3, 4}},
     .fn = [](const auto& in) { return ops::gather(in[0], 1, int64s({3, 0, 1, 1, 2, 0}, {3, 2})); }},
    {.name = "where", .shapes = {{3, 4}, {4}},
     .fn = [](const auto& in) { return ops::where(int64s({1, 0, 1}, {3, 1}), in[0], in[1]); }},
    {.name = "masked_fill", .shapes = {{3, 4}},
     .fn = [](const auto& in) { return ops::masked_fill(in[0], int64s({0, 1, 1, 0}, {4}), -1.5); }},
});

}  // namespace
}  // namespace nnlab::testing
