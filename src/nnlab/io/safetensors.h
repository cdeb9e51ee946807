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

// Writes the tensors (F32, F64 or I64) in the given order, atomically. Names must be unique.
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Reads and validates a whole file: every problem (short file, header length past the end,
// bad JSON, unknown dtype, bad shape, offsets out of range, overlapping or leaving holes, a
// size that does not match the shape) throws DataError naming the file and the tensor.
// Unreadable files throw IoError. F16/BF16 and other dtypes are rejected by name.
SafetensorsFile load_safetensors(const std::string& path);

}  // namespace nnlab::io
