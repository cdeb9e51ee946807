#pragma once
// The fully connected product y = x · weightᵀ + bias, semantics of torch.nn.functional.linear.
#include "nnlab/tensor/tensor.h"

namespace nnlab::ops {

// x (*, in_features) -> y (*, out_features), with weight (out_features, in_features) and bias
// (out_features), or an undefined Tensor for none. Any leading dims (or none: x (in_features)
// gives y (out_features)), any strides. The bias is added by the GEMM kernel (fused), not by a
// second pass. All float32 or all float64.
// Throws ShapeError naming the shapes when sizes do not fit, DTypeError for int64 or mixed
// dtypes. https://pytorch.org/docs/stable/generated/torch.nn.functional.linear.html
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

// relu(linear(x, weight, bias)) as one op: ReLU is applied to each thread's rows of the product
// while they are in its cache, and the backward keeps one node. The same bits as the two ops, in
// the output and in every gradient. nn::Sequential runs a Linear layer followed by a ReLU on it.
Tensor linear_relu(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace nnlab::ops
