// open_checkpoint on a fuzzed state.json: the checkpoint's commit record, where `nnlab resume`
// starts. The run folder holds a fixed model.safetensors and optimizer.safetensors (the bytes
// "model" and "optimizer"), so a record whose sizes and CRC-32s match them reaches the end.
#include <string_view>

#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/checkpoint_set.h"
#include "nnlab/io/run_folder.h"

namespace {

nnlab::fuzz::Bytes text_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  static const io::RunFolder folder = [] {
    fuzz::write_file(fuzz::scratch_dir() / "config.toml", {});  // what makes a folder a run folder
    const io::RunFolder opened = io::RunFolder::open(fuzz::scratch_dir());
    fuzz::write_file(opened.model(), text_bytes("model"));
    fuzz::write_file(opened.optimizer(), text_bytes("optimizer"));
    return opened;
  }();
  fuzz::write_file(folder.state(), {data, size});
  fuzz::expect_clean_rejection([&] { io::open_checkpoint(folder); });
  return 0;
}
