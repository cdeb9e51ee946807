// Op-table lines for softmax and log_softmax (see op_cases.h): the last dim (rows), the first
// and a middle dim (columns).
#include "nnlab/ops/softmax.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

const RegisterOpCases kSoftmaxCases({
    {.name = "softmax_dim1", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::softmax(in[0], 1); }},
    {.name = "softmax_dim0", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::softmax(in[0], 0); }},
    {.name = "softmax_middle", .shapes = {{2, 3, 4}}, .fn = [](const auto& in) { return ops::softmax(in[0], 1); }},
    {.name = "log_softmax_dim1", .shapes = {{3, 4}}, .fn = [](const auto& in) { return ops::log_softmax(in[0], 1); }},
    {.name = "log_softmax_dim0", .shapes = {{4, 3}}, .fn = [](const auto& in) { return ops::log_softmax(in[0], 0); }},
    {.name = "log_softmax_middle", .shapes = {{2, 3, 4}},
     .fn = [](const auto& in) { return ops::log_softmax(in[0], -2); }},
});

}  // namespace
}  // namespace nnlab::testing
