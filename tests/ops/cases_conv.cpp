// Op-table lines for convolution and pooling (see op_cases.h). Shapes stay tiny: the float64
// gradient check costs two forwards per input element. Pools draw N(0, 1) inputs, whose ties
// (a max pool's kink) are as unlikely as any other exact equality.
#include "nnlab/ops/conv.h"
#include "nnlab/ops/pool.h"
#include "ops/op_cases.h"

namespace nnlab::testing {
namespace {

Tensor conv(const std::vector<Tensor>& in, const ops::Conv2dParams& params) {
  return ops::conv2d(in[0], in[1], in.size() > 2 ? in[2] : Tensor(), params);
}

const RegisterOpCases kConvCases({
    {.name = "conv2d", .shapes = {{2, 2, 5, 5}, {3, 2, 3, 3}, {3}}, .fn = [](const auto& in) { return conv(in, {}); }},
    {.name = "conv2d_stride2",
     .shapes = {{1, 2, 5, 5}, {2, 2, 3, 3}, {2}},
     .fn = [](const auto& in) { return conv(in, {.stride = 2}); }},
    {.name = "conv2d_padding1",
     .shapes = {{1, 2, 4, 4}, {3, 2, 3, 3}, {3}},
     .fn = [](const auto& in) { return conv(in, {.padding = 1}); }},
    {.name = "conv2d_dilation2",
     .shapes = {{1, 2, 6, 6}, {2, 2, 3, 3}, {2}},
     .fn = [](const auto& in) { return conv(in, {.dilation = 2}); }},
    {.name = "conv2d_groups2",
     .shapes = {{1, 4, 4, 4}, {4, 2, 3, 3}, {4}},
     .fn = [](const auto& in) { return conv(in, {.padding = 1, .groups = 2}); }},
    {.name = "conv2d_no_bias",
     .shapes = {{2, 2, 4, 4}, {3, 2, 2, 2}},
     .fn = [](const auto& in) { return conv(in, {}); }},
    // Every parameter different along H and W, so a swapped pair cannot pass.
    {.name = "conv2d_mixed",
     .shapes = {{1, 2, 6, 5}, {2, 2, 3, 2}, {2}},
     .fn =
         [](const auto& in) {
           return conv(in, {.stride = {2, 1}, .padding = {1, 0}, .dilation = {1, 2}});
         }},
    {.name = "max_pool2d", .shapes = {{2, 2, 4, 4}}, .fn = [](const auto& in) { return ops::max_pool2d(in[0], 2); }},
    {.name = "max_pool2d_overlapping",
     .shapes = {{1, 2, 5, 6}},
     .fn = [](const auto& in) { return ops::max_pool2d(in[0], 3, ops::Size2d(1, 2), 1); }},
    {.name = "avg_pool2d", .shapes = {{2, 2, 4, 4}}, .fn = [](const auto& in) { return ops::avg_pool2d(in[0], 2); }},
    {.name = "avg_pool2d_padding",
     .shapes = {{1, 2, 5, 6}},
     .fn =
         [](const auto& in) {
           return ops::avg_pool2d(in[0], {3, 2}, ops::Size2d(2, 1), {1, 1});
         }},
    {.name = "adaptive_avg_pool2d",
     .shapes = {{2, 2, 5, 7}},
     .fn =
         [](const auto& in) {
           return ops::adaptive_avg_pool2d(in[0], {3, 4});
         }},
    {.name = "adaptive_avg_pool2d_global",
     .shapes = {{2, 3, 4, 4}},
     .fn = [](const auto& in) { return ops::adaptive_avg_pool2d(in[0], 1); }},
});

}  // namespace
}  // namespace nnlab::testing
