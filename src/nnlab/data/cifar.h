#pragma once
// CIFAR-10 and CIFAR-100 from their binary batches (https://www.cs.toronto.edu/~kriz/cifar.html).
// A CIFAR-10 record is 1 label byte + 3072 pixel bytes; a CIFAR-100 record is a coarse label
// byte, a fine label byte, then 3072 pixel bytes. Pixels are 1024 red, 1024 green, 1024 blue,
// each plane row-major: exactly the (3, 32, 32) layout.
#include <string>
#include <string_view>

#include "nnlab/data/dataset.h"
#include "nnlab/data/dataset_split.h"

namespace nnlab::data {

// Where the binary versions are published, and the folder each archive unpacks to.
inline constexpr std::string_view kCifar10Url = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
inline constexpr std::string_view kCifar10Folder = "cifar-10-batches-bin";
inline constexpr std::string_view kCifar100Url = "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz";
inline constexpr std::string_view kCifar100Folder = "cifar-100-binary";

// Reads <dir>/data_batch_1.bin .. data_batch_5.bin (Split::train) or <dir>/test_batch.bin.
// Returns inputs (N, 3, 32, 32) float32 in [0, 1] (byte / 255), targets (N) int64,
// num_classes 10, class_names from <dir>/batches.meta.txt when present, else "0".."9".
// Throws IoError naming a file that is missing or not a regular file (a folder, a FIFO, a
// device: named); DataError naming the file when its size is not a multiple of the record size
// or is above 256 MiB (checked before it is read), or naming file and record for a label out
// of range.
Dataset load_cifar10(const std::string& dir, Split split);

// Reads <dir>/train.bin or <dir>/test.bin. `fine`: the 100 fine labels, else the 20 coarse
// ones; class_names from fine_label_names.txt / coarse_label_names.txt when present.
// Same shapes and errors as load_cifar10.
Dataset load_cifar100(const std::string& dir, Split split, bool fine = true);

// Checks, without reading them, every batch file that load_cifar10 (both splits) or
// load_cifar100 would read: the same IoError for the first one missing, the same DataError
// for one whose size is not a non-zero multiple of the record size. A few open calls: cheap
// enough to run before any work starts. Labels are checked when the files are read.
void check_cifar10_files(const std::string& dir);
void check_cifar100_files(const std::string& dir);

}  // namespace nnlab::data
