#pragma once
// CIFAR binary batches for tests, so the tests make their own files: single records of a
// known pattern, and a whole CIFAR-10 folder of small batches that a linear model can learn.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::testing {

// One record: the label bytes (one for CIFAR-10, coarse and fine for CIFAR-100), then the
// 3072 pixel bytes, pixel i = (fill + i) % 256.
std::vector<unsigned char> cifar_record(std::vector<unsigned char> labels, int fill);

// The records one after another, as a batch file.
void write_cifar_batch(const std::filesystem::path& path, const std::vector<std::vector<unsigned char>>& records);

struct Cifar10FilesSpec {
  std::int64_t per_train_batch = 60;  // records in each of data_batch_1..5.bin
  std::int64_t test = 100;            // records in test_batch.bin
  std::uint64_t seed = 0;
};

// data_batch_1..5.bin, test_batch.bin and batches.meta.txt in `dir` (created): labels cycle
// through 0..9, and every pixel of an image of class c is that class's colour (a point on a
// circle in the red-green plane, blue rising with c) plus uniform noise of +-40, so that the
// mean colour tells the classes apart; flips and shifts keep it.
void write_cifar10_files(const std::filesystem::path& dir, const Cifar10FilesSpec& spec = {});

}  // namespace nnlab::testing
