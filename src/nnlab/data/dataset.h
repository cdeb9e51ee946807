#pragma once
// Dataset: examples held in memory as two tensors. Every course dataset fits (Fashion-MNIST is
// 188 MB as float32), and batches then come from one gather per step, never from files.
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/tensor/tensor.h"

namespace nnlab::data {

enum class Task { classification, regression };

struct Dataset {
  Tensor inputs;   // (N, ...) float32 or float64: one row per example
  Tensor targets;  // classification: (N) int64 class indices; regression: (N, ...) float
  Task task = Task::classification;
  std::int64_t num_classes = 0;          // classification only
  std::vector<std::string> class_names;  // optional, index = class
  std::string name;                      // for messages and reports, e.g. "fashion-mnist/train"

  std::int64_t size() const { return inputs.defined() ? inputs.size(0) : 0; }
};

// Checks the invariants above (same N, target dtype and range for classification); throws
// DataError naming the dataset. Readers and generators call it before returning.
void validate(const Dataset& dataset);

// The rows `indices` (int64, 1-D) of a dataset, copied.
Dataset subset(const Dataset& dataset, const Tensor& indices);

}  // namespace nnlab::data
