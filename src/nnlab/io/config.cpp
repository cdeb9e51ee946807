// Reading an experiment config: TOML text, then the --set overrides merged into its table
// (config_overrides.h), then every key checked and stored through the schema tables
// (config_schema.h). Also load_config and to_toml.
#include "nnlab/io/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nnlab/core/check.h"
#include "nnlab/io/config_overrides.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/io/config_text.h"

namespace nnlab::io {
namespace {

using schema::KeySpec;
using schema::LayerKeySpec;
using schema::PrefixRates;
using schema::Rule;
using schema::Slot;

template <typename... Fns>
struct Overloaded : Fns... {
  using Fns::operator()...;
};
template <typename... Fns>
Overloaded(Fns...) -> Overloaded<Fns...>;  // implicit in C++20, but clang 14 does not deduce aggregates

[[noreturn]] void fail(std::string message) { throw ConfigError(std::move(message)); }

std::string type_noun(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// The value as it would be written: -1, 2.5, "sdg", true.
std::string value_text(const toml::node& node) {
  if (const auto* text = node.as_string()) return schema::quote(text->get());
  if (const auto* integer = node.as_integer()) return fmt::format("{}", integer->get());
  if (const auto* number = node.as_floating_point()) return schema::format_float(number->get());
  std::ostringstream out;  // booleans, dates and times, as toml++ writes them
  node.visit([&](const auto& value) { out << value; });
  return out.str();
}

// "a float 2.5", "a string \"abc\"", "an array": what was found instead of the expected kind.
std::string found(const toml::node& node) {
  if (node.is_array() || node.is_table()) return type_noun(node);
  return type_noun(node) + " " + value_text(node);
}

bool is_section(std::string_view name) {
  const auto sections = schema::sections();
  return std::find(sections.begin(), sections.end(), name) != sections.end();
}

// The keys and sub-sections that `section` may hold, in schema order.
std::vector<std::string> known_names(std::string_view section) {
  std::vector<std::string> names;
  for (const KeySpec& spec : schema::keys()) {
    if (spec.section == section) names.emplace_back(spec.key);
  }
  for (std::string_view child : schema::sections()) {
    const std::string_view parent = child.substr(0, child.rfind('.') == std::string_view::npos ? 0 : child.rfind('.'));
    if (!child.empty() && parent == section) names.emplace_back(child.substr(section.empty() ? 0 : section.size() + 1));
  }
  return names;
}

// ---- reading the merged table into an ExperimentConfig ----

class Reader {
 public:
  Reader(const std::string& source, const OverrideOrigins& origins) : source_(source), origins_(origins) {}

  ExperimentConfig read(const toml::table& root) {
    ExperimentConfig config;
    for (std::string_view section : schema::sections()) {
      // Parents come before children in sections(), so a section that is not a table has
      // already been reported by its parent.
      const toml::node* node = section.empty() ? &root : root.at_path(section).node();
      if (node != nullptr && node->is_table()) read_section(*node->as_table(), section, config);
    }
    check_combinations(root, config);
    if (config.model.depth > 0) config.model.hidden.assign(config.model.depth, config.model.width);
    return config;
  }

 private:
  std::string where(const toml::node& node) const {
    if (const auto it = origins_.find(&node); it != origins_.end()) return it->second.label;
    const auto line = node.source().begin.line;
    return line > 0 ? fmt::format("{}:{}", source_, line) : source_;
  }
  std::string where(const toml::key& key, const toml::node& node) const {
    if (origins_.contains(&node) || key.source().begin.line == 0) return where(node);
    return fmt::format("{}:{}", source_, key.source().begin.line);
  }

  void read_section(const toml::table& table, std::string_view section, ExperimentConfig& config) const {
    for (const auto& [key, node] : table) {
      if (const KeySpec* spec = schema::find_key(section, key.str())) {
        const std::string label = section.empty() ? std::string(key.str()) : fmt::format("[{}] {}", section, key.str());
        read_value(node, spec->slot(config), spec->rule, label);
        continue;
      }
      const std::string child = section.empty() ? std::string(key.str()) : fmt::format("{}.{}", section, key.str());
      if (is_section(child)) {
        if (!node.is_table())
          fail(fmt::format("{}: [{}]: expected a table, got {}", where(key, node), child, found(node)));
        continue;
      }
      report_unknown(key, node, section, child);
    }
  }

  [[noreturn]] void report_unknown(const toml::key& key, const toml::node& node, std::string_view section,
                                   const std::string& child) const {
    const std::vector<std::string> known = known_names(section);
    const std::string hint = schema::did_you_mean(key.str(), known);
    if (node.is_table()) {
      std::vector<std::string_view> sections;  // probes' own sections are listed as [probes] keys
      for (std::string_view name : schema::sections()) {
        if (!name.empty() && !name.starts_with("probes.")) sections.push_back(name);
      }
      fail(fmt::format("{}: unknown section [{}] (known: {}){}", where(key, node), child, fmt::join(sections, ", "),
                       hint));
    }
    const std::string place = section.empty() ? "at the top level" : fmt::format("in [{}]", section);
    fail(fmt::format("{}: unknown key '{}' {} (known: {}){}", where(key, node), key.str(), place,
                     fmt::join(known, ", "), hint));
  }

  [[noreturn]] void wrong_type(const toml::node& node, const std::string& label, std::string_view expected) const {
    fail(fmt::format("{}: {}: expected {}, got {}", where(node), label, expected, found(node)));
  }
  [[noreturn]] void out_of_range(const toml::node& node, const std::string& label, const std::string& expected,
                                 std::string_view hint = {}) const {
    fail(fmt::format("{}: {}: expected {}, got {}{}", where(node), label, expected, value_text(node), hint));
  }

  std::int64_t read_integer(const toml::node& node, const Slot& slot, const Rule& rule,
                            const std::string& label) const {
    const auto* integer = node.as_integer();
    if (integer == nullptr) wrong_type(node, label, "an integer");
    if (const auto refusal = schema::integer_refusal(slot, rule, integer->get())) out_of_range(node, label, *refusal);
    return integer->get();
  }

  double read_number(const toml::node& node, const Slot& slot, const Rule& rule, const std::string& label) const {
    double value = 0;
    if (const auto* integer = node.as_integer()) {
      value = static_cast<double>(integer->get());
    } else if (const auto* number = node.as_floating_point()) {
      value = number->get();
    } else {
      wrong_type(node, label, "a number");
    }
    if (!schema::in_bounds(value, rule) && !schema::is_whole_count(rule, value))
      out_of_range(node, label, schema::expectation(slot, rule));
    return value;
  }

  std::string read_string(const toml::node& node, const Slot& slot, const Rule& rule, const std::string& label) const {
    const auto* text = node.as_string();
    if (text == nullptr) wrong_type(node, label, "a string");
    const std::string& value = text->get();
    if (!rule.choices.empty()) {
      if (std::find(rule.choices.begin(), rule.choices.end(), value) == rule.choices.end()) {
        const std::vector<std::string> choices(rule.choices.begin(), rule.choices.end());
        out_of_range(node, label, schema::expectation(slot, rule), schema::did_you_mean(value, choices));
      }
    }
    const bool name_ok = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
             c == '-';
    });
    if ((rule.name_chars && !name_ok) || (rule.non_empty && value.empty())) {
      out_of_range(node, label, schema::expectation(slot, rule));
    }
    if (rule.max_length > 0 && value.size() > rule.max_length) {
      fail(fmt::format("{}: {}: expected {} of at most {} characters, got {} characters", where(node), label,
                       schema::expectation(slot, rule), rule.max_length, value.size()));
    }
    return value;
  }

  const toml::array& read_array(const toml::node& node, const Slot& slot, const std::string& label) const {
    const auto* array = node.as_array();
    if (array == nullptr) wrong_type(node, label, schema::kind_noun(slot));
    return *array;
  }

  void read_value(const toml::node& node, const Slot& slot, const Rule& rule, const std::string& label) const {
    std::visit(
        Overloaded{
            [&](bool* value) {
              if (!node.is_boolean()) wrong_type(node, label, "a boolean");
              *value = node.as_boolean()->get();
            },
            [&](std::int64_t* value) { *value = read_integer(node, slot, rule, label); },
            [&](std::uint64_t* value) { *value = static_cast<std::uint64_t>(read_integer(node, slot, rule, label)); },
            [&](double* value) { *value = read_number(node, slot, rule, label); },
            [&](std::string* value) { *value = read_string(node, slot, rule, label); },
            [&](std::vector<std::int64_t>* values) { read_integers(node, slot, rule, label, *values); },
            [&](std::vector<std::string>* values) {
              values->clear();
              const toml::array& array = read_array(node, slot, label);
              std::string element;  // errors on one element describe one string
              for (std::size_t i = 0; i < array.size(); ++i) {
                values->push_back(read_string(array[i], &element, rule, fmt::format("{}[{}]", label, i)));
              }
            },
            [&](PrefixRates* rates) { read_prefix_rates(node, slot, rule, label, *rates); },
            [&](std::vector<LayerConfig>* layers) { read_layers(node, slot, label, *layers); },
        },
        slot);
  }

  void read_integers(const toml::node& node, const Slot& slot, const Rule& rule, const std::string& label,
                     std::vector<std::int64_t>& values) const {
    values.clear();
    const toml::array& array = read_array(node, slot, label);
    std::int64_t element = 0;  // errors on one element describe one integer
    for (std::size_t i = 0; i < array.size(); ++i) {
      const std::string element_label = fmt::format("{}[{}]", label, i);
      values.push_back(read_integer(array[i], &element, rule, element_label));
      if (rule.increasing && i > 0 && values[i] <= values[i - 1]) {
        out_of_range(array[i], element_label, fmt::format("an integer > {} (the list must increase)", values[i - 1]));
      }
    }
  }

  // name prefix -> learning rate, in the order the entries were written.
  void read_prefix_rates(const toml::node& node, const Slot& slot, const Rule& rule, const std::string& label,
                         PrefixRates& rates) const {
    const auto* table = node.as_table();
    if (table == nullptr) wrong_type(node, label, schema::kind_noun(slot));
    std::vector<std::pair<TomlOrder, std::pair<std::string, double>>> entries;
    double number = 0;  // errors on one entry describe one number
    for (const auto& [key, value] : *table) {
      const std::string entry = fmt::format("{}.{}", label, schema::format_key(key.str()));
      if (key.str().empty()) fail(fmt::format("{}: {}: expected a non-empty name prefix", where(key, value), entry));
      entries.push_back(
          {order_of(key, value, origins_), {std::string(key.str()), read_number(value, &number, rule, entry)}});
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    rates.clear();
    for (auto& [order, rate] : entries) rates.push_back(std::move(rate));
  }

  void read_layers(const toml::node& node, const Slot& slot, const std::string& label,
                   std::vector<LayerConfig>& layers) const {
    const toml::array& array = read_array(node, slot, label);
    layers.clear();
    for (std::size_t i = 0; i < array.size(); ++i) {
      const auto* table = array[i].as_table();
      if (table == nullptr) wrong_type(array[i], fmt::format("[[model.layers]] #{}", i + 1), "a table");
      layers.push_back(read_layer(*table, i + 1));
    }
  }

  // One [[model.layers]] entry; `number` counts from 1. Its type decides which keys it may hold.
  LayerConfig read_layer(const toml::table& table, std::size_t number) const {
    LayerConfig layer;
    const LayerKeySpec& type_spec = schema::layer_keys().front();
    const toml::node* type = table.get(type_spec.key);
    if (type == nullptr) {
      fail(fmt::format("{}: [[model.layers]] #{}: missing key 'type' ({})", where(table), number,
                       schema::expectation(type_spec.slot(layer), type_spec.rule)));
    }
    read_value(*type, type_spec.slot(layer), type_spec.rule, fmt::format("[[model.layers]] #{} type", number));
    const std::string head = fmt::format("[[model.layers]] #{} ({})", number, layer.type);
    for (const auto& [key, node] : table) {
      const LayerKeySpec* spec = schema::find_layer_key(key.str());
      if (spec == nullptr || !schema::applies_to(*spec, layer.type))
        report_layer_key(key, node, head, layer.type, spec);
      read_value(node, spec->slot(layer), spec->rule, fmt::format("{} {}", head, key.str()));
    }
    for (const LayerKeySpec& spec : schema::layer_keys()) {
      if (spec.required && schema::applies_to(spec, layer.type) && !table.contains(spec.key)) {
        fail(fmt::format("{}: {}: missing key '{}' ({})", where(table), head, spec.key,
                         schema::expectation(spec.slot(layer), spec.rule)));
      }
    }
    return layer;
  }

  [[noreturn]] void report_layer_key(const toml::key& key, const toml::node& node, const std::string& head,
                                     const std::string& type, const LayerKeySpec* spec) const {
    std::vector<std::string> known;
    for (const LayerKeySpec& candidate : schema::layer_keys()) {
      if (schema::applies_to(candidate, type)) known.emplace_back(candidate.key);
    }
    if (spec != nullptr) {
      fail(fmt::format("{}: {}: key '{}' does not apply to {} layers (only to {}; {} takes: {})", where(key, node),
                       head, key.str(), type, fmt::join(spec->applies_to, ", "), type, fmt::join(known, ", ")));
    }
    std::vector<std::string> every;
    for (const LayerKeySpec& candidate : schema::layer_keys()) every.emplace_back(candidate.key);
    fail(fmt::format("{}: {}: unknown key '{}' (known for {}: {}){}", where(key, node), head, key.str(), type,
                     fmt::join(known, ", "), schema::did_you_mean(key.str(), every)));
  }

  // Checks between keys, for settings that would fail later with no line to point at.
  void check_combinations(const toml::table& root, const ExperimentConfig& config) const {
    const auto place = [&](std::string_view path) {
      const toml::node* node = root.at_path(path).node();
      return node != nullptr ? where(*node) : source_;
    };
    if (config.model.type == "cnn" && config.model.layers.empty()) {
      fail(fmt::format("{}: [model] type = \"cnn\": expected its layers as [[model.layers]] tables, got none",
                       place("model.type")));
    }
    if ((config.model.depth > 0) != (config.model.width > 0)) {
      fail(fmt::format("{}: [model] depth and width go together (depth hidden layers of width units), got depth = "
                       "{}, width = {}",
                       place(config.model.depth > 0 ? "model.depth" : "model.width"), config.model.depth,
                       config.model.width));
    }
    if (config.schedule.name == "multistep" && config.schedule.milestones.empty()) {
      fail(fmt::format("{}: [schedule] name = \"multistep\": expected milestones = [epoch, ...], got none",
                       place("schedule.name")));
    }
    if (config.optim.name == "sgd" && config.optim.nesterov && config.optim.momentum == 0) {
      // torch.optim.SGD refuses this too: Nesterov momentum without momentum is plain SGD.
      fail(
          fmt::format("{}: [optim] nesterov = true: expected momentum > 0, got momentum = 0", place("optim.nesterov")));
    }
  }

  const std::string& source_;
  const OverrideOrigins& origins_;
};

toml::table parse_document(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error& error) {
    fail(fmt::format("{}:{}:{}: {}", source, error.source().begin.line, error.source().begin.column,
                     error.description()));
  }
}

std::string layer_toml(LayerConfig layer) {
  std::string text = "\n[[model.layers]]\n";
  for (const LayerKeySpec& spec : schema::layer_keys()) {
    if (schema::applies_to(spec, layer.type)) {
      text += fmt::format("{} = {}\n", spec.key, schema::format_value(spec.slot(layer), spec.rule));
    }
  }
  return text;
}

// `[probes] name = true` is shorthand for `[probes.name] enabled = true`, and a table of a
// probe's options turns it on unless it says `enabled = false`.
void expand_probe_switches(toml::table& root) {
  auto* probes = root.get_as<toml::table>("probes");
  if (probes == nullptr) return;
  for (std::string_view section : schema::sections()) {
    if (!section.starts_with("probes.")) continue;
    const std::string_view name = section.substr(std::string_view("probes.").size());
    toml::node* node = probes->get(name);
    if (node == nullptr) continue;
    if (const auto* on = node->as_boolean()) {
      const bool enabled = on->get();
      probes->insert_or_assign(name, toml::table{{"enabled", enabled}});
    } else if (auto* table = node->as_table(); table != nullptr && !table->contains("enabled")) {
      table->insert("enabled", true);
    }
  }
}

}  // namespace

ExperimentConfig parse_config(std::string_view text, const std::string& source,
                              const std::vector<std::string>& overrides) {
  toml::table root = parse_document(text, source);
  expand_probe_switches(root);  // before the overrides too, so --set probes.x.every=2 finds a table
  OverrideOrigins origins;
  for (std::size_t i = 0; i < overrides.size(); ++i) apply_override(root, overrides[i], i, origins);
  expand_probe_switches(root);
  return Reader(source, origins).read(root);
}

ExperimentConfig load_config(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  // Only a regular file up to kMaxConfigBytes: /dev/zero or a FIFO is refused, not read forever.
  return parse_config(read_config_file(path, "load_config"), path.string(), overrides);
}

std::string to_toml(const ExperimentConfig& config) {
  ExperimentConfig copy = config;  // the schema's slots point into a mutable config
  std::string text = "# nnlab experiment config: every key, defaults included.\n";
  for (std::string_view section : schema::sections()) {
    if (!section.empty()) text += fmt::format("\n[{}]\n", section);
    const std::vector<LayerConfig>* layers = nullptr;
    for (const KeySpec& spec : schema::keys()) {
      if (spec.section != section) continue;
      const Slot slot = spec.slot(copy);
      if (const auto* layer_slot = std::get_if<std::vector<LayerConfig>*>(&slot)) {
        layers = *layer_slot;  // arrays of tables go after the section's plain keys
        continue;
      }
      text += fmt::format("{} = {}\n", spec.key, schema::format_value(slot, spec.rule));
    }
    if (layers != nullptr) {
      for (const LayerConfig& layer : *layers) text += layer_toml(layer);
    }
  }
  return text;
}

}  // namespace nnlab::io
