#pragma once
// IDX files, the format of MNIST and Fashion-MNIST: raw or gzip-compressed (detected from the
// content, not the name). https://yann.lecun.com/exdb/mnist/ describes the layout: two zero
// bytes, a type code, the number of dims, the sizes as big-endian int32, then big-endian data.
#include <string>

#include "nnlab/tensor/tensor.h"

namespace nnlab::data {

// Reads the whole file into a tensor of the file's shape, converted to `dtype` (values are
// not scaled: MNIST pixels come out as 0..255). The header is checked before the tensor is
// allocated, and gzip data is streamed: decompression stops where the header says the data
// ends. Throws IoError if the path is not a readable regular file; DataError naming the file if
// it is not IDX, holds less or more data than its header declares (a gzip file may declare at
// most 1032 times its own size, deflate's limit), or, read as int64, holds a float that is not
// a whole number (a NaN label, say).
Tensor read_idx(const std::string& path, DType dtype);

// Writes t as an unsigned-byte IDX file (gzip-compressed when `gzip`); values must be 0..255.
// For tests and for exporting small datasets.
void write_idx_u8(const std::string& path, const Tensor& t, bool gzip);

}  // namespace nnlab::data
