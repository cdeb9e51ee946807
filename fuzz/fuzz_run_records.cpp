// read_run_records: a run folder's metrics.jsonl or probes.jsonl as reports, `nnlab diff`, sweeps
// and the trajectory PCA read them back. Byte 0 of the input picks the file (even: metrics.jsonl,
// odd: probes.jsonl); the rest is its text, and the other file is absent.
#include <filesystem>

#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/metrics_log.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  if (size < 1) return 0;
  const std::filesystem::path& dir = fuzz::scratch_dir();
  const bool probes = (data[0] & 1) != 0;
  std::filesystem::remove(dir / (probes ? "metrics.jsonl" : "probes.jsonl"));
  fuzz::write_file(dir / (probes ? "probes.jsonl" : "metrics.jsonl"), {data + 1, size - 1});
  fuzz::expect_clean_rejection([&] { io::read_run_records(dir); });
  return 0;
}
