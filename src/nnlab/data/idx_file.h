#pragma once
// IDX files, the format of MNIST and Fashion-MNIST: raw or gzip-compressed (detected from the
// content, not the name). https://yann.lecun.com/exdb/mnist/ describes the layout: two zero
// bytes, a type code, the number of dims, the sizes as big-endian int32, then big-endian data.
#include <string>

#include "nnlab/tensor/tensor.h"

namespace nnlab::data {

// Reads the whole file into a tensor of the file's shape, converted to `dtype` (values are
// not scaled: MNIST pixels come out as 0..255). Throws IoError if the file cannot be read,
// DataError naming the file if it is not IDX or is truncated.
Tensor read_idx(const std::string& path, DType dtype);

// Writes t as an unsigned-byte IDX file (gzip-compressed when `gzip`); values must be 0..255.
// For tests and for exporting small datasets.
void write_idx_u8(const std::string& path, const Tensor& t, bool gzip);

}  // namespace nnlab::data
