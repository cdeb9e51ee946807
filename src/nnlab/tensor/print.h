#pragma once
// Readable printing: tensor([[1.0000, 2.0000], [3.0000, 4.0000]], dtype=float32), with the
// middle of long dimensions elided as PyTorch does.
#include <ostream>
#include <string>

#include "nnlab/tensor/tensor.h"

namespace nnlab {

std::string to_string(const Tensor& t);
std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace nnlab
