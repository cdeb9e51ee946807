// load_safetensors on any bytes: the 8-byte header length, the JSON header, the tensor data.
#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/safetensors.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  static const std::string path = (fuzz::scratch_dir() / "input.safetensors").string();
  fuzz::write_file(path, {data, size});
  fuzz::expect_clean_rejection([&] { io::load_safetensors(path); });
  return 0;
}
