// parse_config: TOML text through the schema, with --set overrides. The input is the TOML text,
// then optionally a NUL byte and the overrides, one per line ("optim.lr=0.1\nseed=3").
// A config that parses must also come back equal from its own to_toml (config.h's contract).
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/config.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nnlab;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  std::vector<std::string> overrides;
  if (nul != std::string_view::npos) {
    std::string_view rest = input.substr(nul + 1);
    for (;;) {
      const std::size_t end = rest.find('\n');
      overrides.emplace_back(rest.substr(0, end));
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  fuzz::expect_clean_rejection([&] {
    const io::ExperimentConfig config = io::parse_config(text, "fuzz.toml", overrides);
    const std::string written = io::to_toml(config);
    if (!(io::parse_config(written, "to_toml", {}) == config)) {
      throw InternalError("fuzz_config: parse_config(to_toml(c)) != c for c from:\n" + std::string(text) +
                          "\nto_toml wrote:\n" + written);
    }
  });
  return 0;
}
