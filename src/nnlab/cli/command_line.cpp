// The command line as typed, kept for run.json.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "nnlab/cli/commands.h"

namespace nnlab::cli {
namespace {

std::string& stored() {
  static std::string line;
  return line;
}

// The argument as a POSIX shell reads it back: bare when it holds only safe characters.
std::string shell_quote(const std::string& arg) {
  const bool safe = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("-_./=:,+@%[]").find(c) != std::string_view::npos;
  });
  if (safe) return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

void set_command_line(int argc, const char* const* argv) {
  std::string line = "nnlab";  // the program's own path says nothing about the run
  for (int i = 1; i < argc; ++i) line += " " + shell_quote(argv[i]);
  stored() = line;
}

const std::string& command_line() { return stored(); }

}  // namespace nnlab::cli
