// read_csv on a fuzzed file with fuzzed options. The input's first three bytes choose them:
//   byte 0, bits 0-1: has_header (0 or 3 unset, 1 true, 2 false); bit 2: regression, else
//           classification; bit 3: label column by name (byte 2 picks it), else by index;
//   byte 1: the delimiter, one of , ; tab |
//   byte 2: the label column's index as a signed byte (-128 and 127 stand for INT64_MIN and
//           INT64_MAX), or the name "label", "y", "class" or "".
// The rest is the file.
#include <limits>

#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/data/csv_file.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  if (size < 3) return 0;
  data::CsvOptions options;
  const int header = data[0] & 3;
  if (header == 1 || header == 2) options.has_header = header == 1;
  options.task = (data[0] & 4) != 0 ? data::Task::regression : data::Task::classification;
  options.delimiter = ",;\t|"[data[1] & 3];
  const auto column = static_cast<std::int8_t>(data[2]);
  if ((data[0] & 8) != 0) {
    const char* const names[] = {"label", "y", "class", ""};
    options.label_column = std::string(names[data[2] & 3]);
  } else if (column == std::numeric_limits<std::int8_t>::min()) {
    options.label_column = std::numeric_limits<std::int64_t>::min();
  } else if (column == std::numeric_limits<std::int8_t>::max()) {
    options.label_column = std::numeric_limits<std::int64_t>::max();
  } else {
    options.label_column = std::int64_t{column};
  }

  static const std::string path = (fuzz::scratch_dir() / "input.csv").string();
  fuzz::write_file(path, {data + 3, size - 3});
  fuzz::expect_clean_rejection([&] { data::read_csv(path, options); });
  return 0;
}
