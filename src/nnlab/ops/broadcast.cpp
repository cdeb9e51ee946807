#include "nnlab/ops/broadcast.h"

#include "nnlab/core/check.h"
#include "nnlab/kernels/reduce.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/view.h"

namespace nnlab::ops {

Tensor reduce_to_shape(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return contiguous(grad);
  NNLAB_CHECK(grad.dim() >= shape.rank(), InternalError, "reduce_to_shape: cannot reduce {} to {}", grad.shape(),
              shape);
  // Keepdim form of the target: leading 1s for the dims broadcasting prepended.
  Shape keep = Shape::filled(grad.dim() - shape.rank(), 1);
  for (std::int64_t size : shape) keep.push_back(size);
  Tensor out = Tensor::empty(keep, grad.dtype());
  kernels::sum_forward(grad.view(), out.mut_view());
  return view::reshape(out, shape);
}

}  // namespace nnlab::ops
