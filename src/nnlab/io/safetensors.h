#pragma once
// The safetensors format (https://huggingface.co/docs/safetensors), so weights move between
// nnlab and PyTorch both ways: an 8-byte little-endian header length N, N bytes of JSON
// ({"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__":
// {...}}), then the raw little-endian tensor data, offsets relative to its start.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::io {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

struct SafetensorsFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

// The file's bytes for the tensors (F32, F64 or I64) in the given order. Names must be unique.
std::string to_safetensors(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata = {});
// Writes to_safetensors(tensors, metadata) to `path` atomically.
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Reads and validates a whole file: the header is read and checked against the file's size
// before any tensor is allocated, and each tensor's bytes go straight into it. Every problem
// (short file, header length past the end or above 100 MB, bad JSON, a tensor name twice,
// unknown dtype, bad shape, a shape whose byte size passes 2^64, offsets out of range,
// overlapping or leaving holes, a size that does not match the shape) throws DataError naming
// the file and the tensor. A path that is not a readable regular file (a folder, a FIFO,
// /dev/zero) throws IoError. F16/BF16 and other dtypes are rejected by name.
SafetensorsFile load_safetensors(const std::string& path);

}  // namespace nnlab::io
