// load_cifar10 / load_cifar100 on a folder holding one fuzzed batch file and, optionally, a
// fuzzed class-names file. The input's first two bytes choose:
//   byte 0, bits 0-1: 0 or 3 CIFAR-10, 1 CIFAR-100 fine labels, 2 CIFAR-100 coarse labels;
//           bit 2: write the class-names file;
//   byte 1: how many bytes at the end of the input are the class names (the rest is the batch).
#include <algorithm>
#include <filesystem>

#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/data/cifar.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  if (size < 2) return 0;
  const int layout = data[0] & 3;
  const bool names = (data[0] & 4) != 0;
  const fuzz::Bytes rest{data + 2, size - 2};
  const std::size_t names_size = std::min<std::size_t>(data[1], rest.size());
  const fuzz::Bytes batch = rest.first(rest.size() - names_size);
  const fuzz::Bytes names_text = rest.last(names_size);

  const std::filesystem::path& dir = fuzz::scratch_dir();
  const bool cifar100 = layout == 1 || layout == 2;
  const char* names_file = layout == 1   ? "fine_label_names.txt"
                           : layout == 2 ? "coarse_label_names.txt"
                                         : "batches.meta.txt";
  fuzz::write_file(dir / (cifar100 ? "test.bin" : "test_batch.bin"), batch);
  std::filesystem::remove(dir / names_file);
  if (names) fuzz::write_file(dir / names_file, names_text);

  fuzz::expect_clean_rejection([&] {
    if (cifar100) {
      data::load_cifar100(dir.string(), data::Split::test, /*fine=*/layout == 1);
    } else {
      data::load_cifar10(dir.string(), data::Split::test);
    }
  });
  return 0;
}
