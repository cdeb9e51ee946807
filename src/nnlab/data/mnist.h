#pragma once
// MNIST and Fashion-MNIST from their four IDX files (https://yann.lecun.com/exdb/mnist/,
// https://github.com/zalandoresearch/fashion-mnist), gzip-compressed or plain.
#include <string>

#include "nnlab/data/dataset.h"
#include "nnlab/data/dataset_split.h"

namespace nnlab::data {

// Where Debian's fashion-mnist package installs the four .gz files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct MnistOptions {
  bool fashion = false;  // Fashion-MNIST's class names ("T-shirt/top", ...) instead of "0".."9"
};

// Reads <dir>/train-images-idx3-ubyte + train-labels-idx1-ubyte (Split::train) or the t10k-*
// pair (Split::test), each as "<name>.gz" if present, else "<name>".
// Returns inputs (N, 1, 28, 28) float32 scaled to [0, 1] (pixel / 255; no normalisation),
// targets (N) int64, num_classes 10. Throws IoError naming the path and the names tried when a
// file is missing or is not a regular file (what it is: a folder, a FIFO); DataError when
// images are not (N, 28, 28) with N > 0, or the counts of images and labels differ (naming
// both files), or a label is outside 0..9 or not a whole number (read_idx).
Dataset load_mnist(const std::string& dir, Split split, const MnistOptions& options = {});

}  // namespace nnlab::data
