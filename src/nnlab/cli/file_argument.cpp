// The validator for file arguments: a config named on the command line must be a regular file.
#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/core/input_file.h"

namespace nnlab::cli {

const CLI::Validator& regular_file() {
  static const CLI::Validator validator(
      [](const std::string& path) {
        const std::optional<std::string> found = not_a_regular_file(path);
        return found ? fmt::format("'{}': expected a file, got {}", path, *found) : std::string();
      },
      "FILE");
  return validator;
}

}  // namespace nnlab::cli
