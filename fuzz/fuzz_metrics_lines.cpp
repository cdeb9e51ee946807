// The two readers `nnlab resume` runs over every line of a run's logs to drop the epochs after
// its checkpoint: record_epoch (metrics.jsonl, probes.jsonl) and csv_epoch (metrics.csv). Each
// line of the input goes to both; neither may throw, since an unreadable line only counts as
// past every epoch.
#include <string>
#include <string_view>

#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/run_logger.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (;;) {
    const std::size_t end = input.find('\n');
    const std::string line(input.substr(0, end));
    io::record_epoch(line);
    io::csv_epoch(line);
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
