// read_idx on any bytes, raw or gzip (told apart by the content), read as MNIST's images are
// (float32) and as its labels are (int64).
#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/data/idx_file.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  static const std::string path = (fuzz::scratch_dir() / "input.idx").string();
  fuzz::write_file(path, {data, size});
  for (DType dtype : {DType::f32, DType::i64}) {
    fuzz::expect_clean_rejection([&] { data::read_idx(path, dtype); });
  }
  return 0;
}
