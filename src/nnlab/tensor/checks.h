#pragma once
// Argument checks shared by ops: each throws with the op's name and what it got.
#include <string_view>

#include "nnlab/tensor/tensor.h"

namespace nnlab {

void check_defined(const Tensor& t, std::string_view where);
void check_rank(const Tensor& t, int rank, std::string_view where);
void check_floating(const Tensor& t, std::string_view where);  // float32 or float64
void check_same_dtype(const Tensor& a, const Tensor& b, std::string_view where);
void check_dtype(const Tensor& t, DType dtype, std::string_view where);

}  // namespace nnlab
