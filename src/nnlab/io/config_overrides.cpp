// --set overrides merged into a config's TOML table; see config_overrides.h.
#include "nnlab/io/config_overrides.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string_view>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/io/config_schema.h"

namespace nnlab::io {
namespace {

constexpr std::uint64_t kOverrideLine = std::uint64_t{1} << 40;  // past any line of a file

[[noreturn]] void fail(std::string message) { throw ConfigError(std::move(message)); }

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "optim.lr_by_prefix.\"layer1.0\"" -> {optim, lr_by_prefix, layer1.0}: read as a TOML key.
std::vector<std::string> parse_key_path(std::string_view key, const std::string& label) {
  try {
    const toml::table doc = toml::parse(std::string(key) + " = 0");
    std::vector<std::string> path;
    const toml::table* table = &doc;
    while (table->size() == 1) {
      const auto entry = table->begin();  // kept: *entry refers into the iterator
      path.emplace_back(entry->first.str());
      if (!entry->second.is_table()) return path;  // the `0` placed after the key
      table = entry->second.as_table();
    }
  } catch (const toml::parse_error&) {
    // reported below
  }
  fail(fmt::format("{}: expected a key such as optim.lr before '=', got '{}'", label, key));
}

// The override's value in a one-key table {v = value}: the TOML value if `text` is one, else the
// text itself as a string. Keys that hold a string always take the text, so `name=2024` is the
// name "2024"; a quoted value ("\"a b\"") is still read as TOML.
toml::table parse_override_value(std::string_view text, bool string_key) {
  try {
    toml::table doc = toml::parse("v = " + std::string(text));
    if (doc.size() == 1 && doc.contains("v") && (!string_key || doc["v"].is_string())) return doc;
  } catch (const toml::parse_error&) {
    // not a TOML value: a bare word
  }
  toml::table doc;
  doc.insert("v", std::string(trim(text)));
  return doc;
}

void remember(const toml::node& node, const OverrideOrigin& origin, OverrideOrigins& origins) {
  origins[&node] = origin;
  if (const auto* table = node.as_table()) {
    for (const auto& [key, child] : *table) {
      remember(child, {origin.label, {origin.order.first, key.source().begin.column}}, origins);
    }
  } else if (const auto* array = node.as_array()) {
    for (const toml::node& child : *array) remember(child, origin, origins);
  }
}

}  // namespace

void apply_override(toml::table& root, const std::string& text, std::size_t index, OverrideOrigins& origins) {
  const std::string label = "--set " + text;
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos) fail(fmt::format("{}: expected section.key=value, got no '='", label));
  const std::vector<std::string> path = parse_key_path(trim(std::string_view(text).substr(0, equals)), label);
  const std::string section = fmt::format("{}", fmt::join(path.begin(), path.end() - 1, "."));
  const schema::KeySpec* spec = schema::find_key(section, path.back());
  ExperimentConfig probe;
  const bool string_key = spec != nullptr && std::holds_alternative<std::string*>(spec->slot(probe));
  toml::table value = parse_override_value(std::string_view(text).substr(equals + 1), string_key);

  const OverrideOrigin created{label, {kOverrideLine + index, 0}};
  toml::table* table = &root;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    toml::node* next = table->get(path[i]);
    if (next == nullptr) {
      next = &table->insert(path[i], toml::table{}).first->second;
      origins[next] = created;
    } else if (!next->is_table()) {
      fail(fmt::format("{}: {} is a value, not a table, so it has no key '{}'", label,
                       fmt::join(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i) + 1, "."), path[i + 1]));
    }
    table = next->as_table();
  }
  OverrideOrigin origin = created;
  if (const auto old = table->find(path.back()); old != table->end()) {
    origin.order = order_of(old->first, old->second, origins);  // a replaced entry keeps its place
  }
  value.get("v")->visit([&](auto&& node) { table->insert_or_assign(path.back(), std::move(node)); });
  remember(*table->get(path.back()), origin, origins);
}

TomlOrder order_of(const toml::key& key, const toml::node& node, const OverrideOrigins& origins) {
  if (const auto it = origins.find(&node); it != origins.end()) return it->second.order;
  return {key.source().begin.line, key.source().begin.column};
}

}  // namespace nnlab::io
