#pragma once
// Indexing kernels: gather / scatter_add and index_select / index_add, on strided views (each
// contract names any layout it needs). Legend: `dim` is the indexed dimension; index views hold
// int64 positions along it.
// Callers (ops/) have checked ranks, shapes and dtypes, and that every index lies in
// [0, size of dim), with first_out_of_range.
#include <cstdint>
#include <optional>

#include "nnlab/core/buffer_view.h"

namespace nnlab::kernels {

// The first value of the int64 view `index` (row-major order) outside [0, size), if any.
std::optional<std::int64_t> first_out_of_range(const ConstView& index, std::int64_t size);

// out[i] = x[i with i_dim replaced by index[i]]. index and out share one shape, no larger than
// x's outside dim (torch.gather).
void gather_forward(const ConstView& x, int dim, const ConstView& index, const MutView& out);

// dx[i with i_dim replaced by index[i]] += src[i] for every i of index's shape (src has it
// too). Adds into dx, so the caller zeroes it first; dx must not overlap itself (no stride 0).
// Duplicates accumulate in a fixed order, whatever the thread count.
void scatter_add(const MutView& dx, int dim, const ConstView& index, const ConstView& src);

// out = x with dim `dim` replaced by the n positions of the 1-D index: out (..., n, ...)
// (torch.index_select). out contiguous.
void index_select_forward(const ConstView& x, int dim, const ConstView& index, const MutView& out);

// dx.select(dim, index[j]) += src.select(dim, j) for j < n (torch.index_add). dx and src
// contiguous; duplicates accumulate in index order, whatever the thread count.
void index_add(const MutView& dx, int dim, const ConstView& index, const ConstView& src);

}  // namespace nnlab::kernels
