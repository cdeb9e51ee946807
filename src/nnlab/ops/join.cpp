// cat and stack share one forward (copy each input into its slice of the output) and one
// backward (hand each input its slice of the gradient).
#include "nnlab/ops/join.h"

#include <algorithm>
#include <string>

#include "nnlab/autograd/node.h"
#include "nnlab/core/check.h"
#include "nnlab/tensor/checks.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {
namespace {

// dX_i = dOut narrowed to [starts[i], starts[i] + size_i) along dim (cat), or dOut.select(dim, i) (stack).
struct JoinBackward final : autograd::Node {
  int dim = 0;
  bool stacked = false;
  std::vector<std::int64_t> starts;  // where input i begins along dim of the output (cat only)

  std::string_view name() const override { return stacked ? "stack" : "cat"; }

  void backward(const Tensor& grad_out, autograd::GradSink& grads) override {
    for (std::size_t i = 0; i < edges().size(); ++i) {
      const int input = static_cast<int>(i);
      if (!grads.wants(input)) continue;
      const Tensor slice = stacked ? view::select(grad_out, dim, input)
                                   : view::narrow(grad_out, dim, starts[i], edges()[i].shape[dim]);
      grads.set(input, nnlab::contiguous(slice));
    }
  }
};

// "[2, *]": the shape every cat input must have, with * in the joined dim.
std::string cat_pattern(const Shape& shape, int dim) {
  std::string text = "[";
  for (int d = 0; d < shape.rank(); ++d) {
    if (d > 0) text += ", ";
    text += d == dim ? "*" : std::to_string(shape[d]);
  }
  return text + "]";
}

bool matches_except(const Shape& shape, const Shape& reference, int dim) {
  if (shape.rank() != reference.rank()) return false;
  for (int d = 0; d < shape.rank(); ++d) {
    if (d != dim && shape[d] != reference[d]) return false;
  }
  return true;
}

// Checks the list and returns the joined dim in 0..rank-1 of the output.
int validate_join(const std::vector<Tensor>& tensors, std::int64_t dim, bool stacked) {
  const char* where = stacked ? "stack" : "cat";
  NNLAB_CHECK(!tensors.empty(), ValueError, "{}: expected a non-empty list of tensors, got an empty one", where);
  for (const Tensor& t : tensors) check_defined(t, where);
  const Tensor& first = tensors[0];
  NNLAB_CHECK(stacked || first.dim() > 0, ShapeError,
              "cat: tensor 0 is zero-dimensional and cannot be concatenated (stack joins along a new dim)");
  const int d = normalize_dim(dim, first.dim() + (stacked ? 1 : 0), where);
  for (std::size_t i = 1; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    NNLAB_CHECK(t.dtype() == first.dtype(), DTypeError, "{}: tensor {} has dtype {}, expected {} like tensor 0",
                where, i, t.dtype(), first.dtype());
    if (stacked) {
      NNLAB_CHECK(t.shape() == first.shape(), ShapeError, "stack: tensor {} has shape {}, expected {} like tensor 0",
                  i, t.shape(), first.shape());
    } else {
      NNLAB_CHECK(matches_except(t.shape(), first.shape(), d), ShapeError,
                  "cat: tensor {} has shape {}, expected {} matching tensor 0 {} except in dim {}", i, t.shape(),
                  cat_pattern(first.shape(), d), first.shape(), d);
    }
  }
  return d;
}

Tensor join(const std::vector<Tensor>& tensors, std::int64_t dim, bool stacked) {
  const int d = validate_join(tensors, dim, stacked);
  const bool record = autograd::should_record(tensors);

  Shape shape = tensors[0].shape();
  if (stacked) {
    shape.insert(d, static_cast<std::int64_t>(tensors.size()));
  } else {
    for (std::size_t i = 1; i < tensors.size(); ++i) shape[d] += tensors[i].shape()[d];
  }
  Tensor out = Tensor::empty(shape, tensors[0].dtype());
  std::vector<std::int64_t> starts;
  std::int64_t start = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    const std::int64_t length = stacked ? 1 : t.shape()[d];
    copy_into(stacked ? view::select(out, d, start) : view::narrow(out, d, start, length), t);
    starts.push_back(start);
    start += length;
  }
  if (record) {
    auto& node = autograd::record<JoinBackward>(out, tensors);
    node.dim = d;
    node.stacked = stacked;
    if (!stacked) node.starts = std::move(starts);
  }
  return out;
}

}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim) { return join(tensors, dim, /*stacked=*/false); }

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim) { return join(tensors, dim, /*stacked=*/true); }

}  // namespace nnlab::ops
