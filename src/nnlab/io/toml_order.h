#pragma once
// A TOML table's entries in the order they were written: toml++ keeps them sorted by key, but a
// sweep's grid varies its first key slowest and an optimiser's label lists its settings as the
// file does.
#include <toml++/toml.h>

#include <utility>
#include <vector>

namespace nnlab::io {

std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& table);

}  // namespace nnlab::io
