#pragma once
// --set overrides ("section.key=value") merged into a config's parsed TOML table before any key
// is checked, so an override goes through the same checks as the file. Internal to io/.
#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

namespace nnlab::io {

using TomlOrder = std::pair<std::uint64_t, std::uint64_t>;  // (line, column) in the file

// A node that an override put into the table: the override's text names it in errors, and
// `order` sorts it among [optim.lr_by_prefix]'s entries (new prefixes go after the file's).
struct OverrideOrigin {
  std::string label;  // "--set optim.lr=0.1"
  TomlOrder order;
};
// Keyed by address: toml++ keeps each node at one address while its table lives. A node that a
// later override replaces leaves a stale entry, harmless because every node in the final table
// was either parsed from the file before any override ran or registered (again) when inserted.
using OverrideOrigins = std::unordered_map<const toml::node*, OverrideOrigin>;

// Sets `section.key` in `root` to the value of `text` ("optim.lr=0.1"), creating missing tables
// on the way and replacing any value there; records the new nodes in `origins`. `index` is the
// override's position on the command line. Throws ConfigError naming `text` for a missing '='
// or a malformed key; every other check is left to the reader.
void apply_override(toml::table& root, const std::string& text, std::size_t index, OverrideOrigins& origins);

// Where an entry sorts in its table: its (line, column) in the file, or its override's place.
TomlOrder order_of(const toml::key& key, const toml::node& node, const OverrideOrigins& origins);

}  // namespace nnlab::io
