#pragma once
// What every fuzz target shares: scratch files for readers that take a path, and the rule that
// tells a finding from a rejected input.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "nnlab/core/error.h"

namespace nnlab::fuzz {

using Bytes = std::span<const std::uint8_t>;

// A folder of this process's own under the system's temporary folder, made on first use and
// removed at exit; readers that take a path read files written here, one name per role.
const std::filesystem::path& scratch_dir();

// Replaces `path` with exactly `bytes`. Throws std::runtime_error (a finding: the harness is
// broken, not the reader) when it cannot.
void write_file(const std::filesystem::path& path, Bytes bytes);

// Runs `read`. An nnlab::Error is how a reader rejects bad input, so it is swallowed; an
// InternalError ("a bug in nnlab") and every other exception escape, and libFuzzer reports the
// abort as a crash, as it does sanitizer reports, leaks, timeouts and allocations over the limit.
template <typename Read>
void expect_clean_rejection(const Read& read) {
  try {
    read();
  } catch (const InternalError&) {
    throw;
  } catch (const Error&) {
  }
}

}  // namespace nnlab::fuzz
